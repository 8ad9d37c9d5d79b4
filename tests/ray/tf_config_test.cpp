// TF_CONFIG on the real Ray cluster of the RayCluster fixture: the roles of a parameter-server job find
// each other at the addresses it names (tests/support/tf_config_exchange.hpp), as on local. One short job:
// about 5 s of CI.
#include "cli_test_fixture.hpp"
#include "text_checks.hpp"

#include <support/tf_config_exchange.hpp>

namespace dlaunch::ray_test {
namespace {

using RayTfConfig = CliTest;

TEST_F(RayTfConfig, TfTaskRolesFindEachOtherThroughTfConfig) {
  work_.write("tf_config_exchange.py", test::kTfConfigExchangePy);
  JobSpec spec = job("tf-config", "");
  RoleSpec ps{"ps", "python3 tf_config_exchange.py", 1, 1, 0.5};
  ps.tf_task = "ps";
  RoleSpec worker{"worker", "python3 tf_config_exchange.py", 2, 1, 0.5};
  worker.tf_task = "worker";
  RoleSpec other{"logger", "echo \"TF_CONFIG=${TF_CONFIG-unset}\"", 1, 1, 0.5};
  spec.roles = {ps, worker, other};
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "[worker/0] ps heard worker 0 (a worker of 2)\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "[worker/1] ps heard worker 1 (a worker of 2)\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "[logger/0] TF_CONFIG=unset\n")) << result.out;
}

}  // namespace
}  // namespace dlaunch::ray_test
