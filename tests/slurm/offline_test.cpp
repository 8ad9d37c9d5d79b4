// What the slurm platform does with no cluster at all, through the built dlaunch: dry runs, and a clear
// "unreachable" (exit 69) when slurmrestd is not there.
#include "slurm_cluster.hpp"

namespace dlaunch::slurm_test {
namespace {

class OfflineTest : public ::testing::Test {
 protected:
  test::ProcessResult dlaunch(const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env = {}) {
    test::ProcessOptions options;
    options.env = {{"XDG_STATE_HOME", state_.path()}, {"DLAUNCH_SLURM_SOCKET", ""}, {"DLAUNCH_SLURM_URL", ""},
                   {"SLURM_JWT", ""}};
    for (const auto& [name, value] : env) options.env[name] = value;
    return test::run_dlaunch(args, options);
  }
  std::string spec() {
    RoleSpec trainer = shell_role("trainer", "echo \"$RANK\"");
    trainer.replicas = 2;
    trainer.per_node = 2;
    return work_.write("job.toml", to_toml(JobSpec({trainer}, "offline")));
  }

  test::TempDir state_;
  test::TempDir work_;
};

TEST_F(OfflineTest, DryRunPrintsTheRequestAndTheBatchScriptWithTheTokenHidden) {
  const std::string token = "eyJhbGciOiJIUzI1NiJ9.eyJzdW4iOiJhbGljZSJ9.c2lnbmF0dXJl";
  test::ProcessResult result = dlaunch(
      {"run", spec(), "-p", "slurm", "--dry-run", "--set", "platform.slurm.url=https://slurm.invalid:6820"},
      {{"SLURM_JWT", token}});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "POST https://slurm.invalid:6820/slurm/v0.0.38/job/submit\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "X-SLURM-USER-NAME: alice\n")) << "the user comes from the token\n" << result.out;
  EXPECT_TRUE(contains(result.out, "X-SLURM-USER-TOKEN: ***\n")) << result.out;
  EXPECT_FALSE(contains(result.out + result.err, token)) << "the token leaked";
  EXPECT_TRUE(contains(result.out, "\"name\": \"offline\"")) << result.out;
  EXPECT_TRUE(contains(result.out, "\n#!/bin/bash\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "srun --quiet --label --exact --kill-on-bad-exit=1 --distribution=arbitrary "
                                   "--nodes=1 --ntasks=2 --cpus-per-task=1"))
      << result.out;
}

TEST_F(OfflineTest, DryRunNeedsNoConfiguredCluster) {
  test::ProcessResult result = dlaunch({"run", spec(), "-p", "slurm", "--dry-run"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "no slurmrestd configured")) << result.out;
}

TEST_F(OfflineTest, UnreachableSocketExits69AndNamesTheSocket) {
  std::string socket = work_.path() + "/no-slurmrestd.sock";
  test::ProcessResult result = dlaunch({"run", spec(), "-p", "slurm", "--set", "platform.slurm.socket=" + socket});
  EXPECT_EQ(result.exit_code, 69) << result.out << result.err;
  EXPECT_TRUE(contains(result.err, "cannot reach slurmrestd on the UNIX socket " + socket + ": No such file"))
      << result.err;
}

TEST_F(OfflineTest, NothingConfiguredIsAConfigurationErrorThatSaysWhatToSet) {
  test::ProcessResult result = dlaunch({"run", spec(), "-p", "slurm"});
  EXPECT_EQ(result.exit_code, 65) << result.err;
  EXPECT_TRUE(contains(result.err, "platform.slurm.socket")) << result.err;
}

// Roles with more groups of per_node replicas than the job has nodes share nodes, as on every platform
// (docs/job-spec.md#nodes-and-per_node): only the options are wrong here.
TEST_F(OfflineTest, ValidateReportsBadOptionsButNotGroupsSharingANode) {
  std::string path = work_.write("bad.toml", R"(name = "bad"
node_num = 1
[[roles]]
name = "trainer"
entrypoint = ["true"]
replicas = 4
per_node = 2
[platform.slurm]
time_limit = "soon"
extra = { script = "x" }
)");
  test::ProcessResult result = dlaunch({"validate", path, "-p", "slurm"});
  EXPECT_EQ(result.exit_code, 65) << result.out << result.err;
  EXPECT_FALSE(contains(result.err, "per_node")) << result.err;
  EXPECT_FALSE(contains(result.err, "replicas")) << result.err;
  EXPECT_TRUE(contains(result.err, "'soon' is not a Slurm time limit")) << result.err;
  EXPECT_TRUE(contains(result.err, "the job property 'script' is set by dlaunch")) << result.err;
}

}  // namespace
}  // namespace dlaunch::slurm_test
