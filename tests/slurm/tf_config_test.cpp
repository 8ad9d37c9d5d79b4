// TF_CONFIG on the real Slurm cluster, through the built dlaunch: the roles of a parameter-server job find
// each other at the addresses it names (tests/support/tf_config_exchange.hpp), as on local and Ray. The test
// node has 2 CPUs: one ps, one worker. One short job: a few seconds of CI.
#include "slurm_cluster.hpp"

#include <support/tf_config_exchange.hpp>

namespace dlaunch::slurm_test {
namespace {

using TfConfigTest = SlurmClusterTest;

TEST_F(TfConfigTest, TfTaskRolesFindEachOtherThroughTfConfig) {
  work_.write("tf_config_exchange.py", test::kTfConfigExchangePy);
  std::string spec = work_.write("tf.toml", R"toml(name = "tf-config"
[[roles]]
name = "trainer"
entrypoint = ["python3", "tf_config_exchange.py"]
tf_task = "worker"
driver = true
[[roles]]
name = "param-server"
entrypoint = ["python3", "tf_config_exchange.py"]
tf_task = "ps"
)toml");
  test::ProcessResult result = dlaunch({"run", spec, "-p", "slurm", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "[trainer/0] ps heard worker 0 (a worker of 1)\n")) << result.out;
}

}  // namespace
}  // namespace dlaunch::slurm_test
