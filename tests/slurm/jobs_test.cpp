// Jobs run to their end on the real Slurm cluster, through the built dlaunch: output, ranks, roles, exit
// codes, quoting, refused resources, JWT authentication.
#include "slurm_cluster.hpp"

#include <unistd.h>

#include <filesystem>

namespace dlaunch::slurm_test {
namespace {

using JobsTest = SlurmClusterTest;

std::string short_host_name() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  std::string host = name;
  return host.substr(0, host.find('.'));
}

TEST_F(JobsTest, OneRoleJobSucceedsAndItsOutputIsInLogs) {
  std::string handle = run(JobSpec({shell_role("main", "echo hello from $DLAUNCH_JOB")}, "hello"));
  test::ProcessResult waited = dlaunch({"status", handle, "--wait"});
  EXPECT_EQ(waited.exit_code, 0) << waited.out << waited.err;
  EXPECT_TRUE(contains(waited.out, "SUCCEEDED [COMPLETED]")) << waited.out;

  test::ProcessResult logs = dlaunch({"logs", handle});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_TRUE(contains(logs.out, "[main/0] hello from hello\n")) << logs.out;
}

TEST_F(JobsTest, TwoTaskRoleSeesBothRanksAndOneMaster) {
  RoleSpec trainer = shell_role("trainer",
                                "echo \"rank=$RANK world=$WORLD_SIZE local=$LOCAL_RANK/$LOCAL_WORLD_SIZE "
                                "node=$NODE_RANK master=$MASTER_ADDR:$MASTER_PORT role=$DLAUNCH_ROLE\"");
  trainer.replicas = 2;
  trainer.per_node = 2;
  test::ProcessResult result = dlaunch({"run", write_spec(JobSpec({trainer})), "-p", "slurm", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  for (int rank : {0, 1}) {
    std::string line = "[trainer/" + std::to_string(rank) + "] rank=" + std::to_string(rank) + " world=2 local=" +
                       std::to_string(rank) + "/2 node=0 master=" + short_host_name() + ":";
    EXPECT_TRUE(contains(result.out, line)) << "missing: " << line << "\n" << result.out;
  }
  EXPECT_TRUE(contains(result.out, "role=trainer")) << result.out;
}

TEST_F(JobsTest, TwoRoleJobRunsBothRolesWithTheirOwnEnvironment) {
  RoleSpec worker = shell_role("worker", "echo \"$DLAUNCH_ROLE of $WORLD_SIZE: $ROLE_VALUE $JOB_VALUE\"");
  worker.env = {{"ROLE_VALUE", "worker-only"}};
  RoleSpec server = shell_role("server", "echo \"$DLAUNCH_ROLE of $WORLD_SIZE: $ROLE_VALUE $JOB_VALUE\"");
  server.env = {{"ROLE_VALUE", "server-only"}};
  JobSpec spec({worker, server});
  spec.env = {{"JOB_VALUE", "shared"}};
  test::ProcessResult result = dlaunch({"run", write_spec(spec), "-p", "slurm", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "[worker/0] worker of 1: worker-only shared\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "[server/0] server of 1: server-only shared\n")) << result.out;
}

TEST_F(JobsTest, ExitCodeOfTheJobIsTheExitCodeOfRunWait) {
  test::ProcessResult result =
      dlaunch({"run", write_spec(JobSpec({shell_role("main", "exit 4")})), "-p", "slurm", "--wait"});
  EXPECT_EQ(result.exit_code, 4) << result.out << result.err;
}

TEST_F(JobsTest, ShellSyntaxInEntrypointAndEnvironmentStaysLiteral) {
  const std::vector<std::string> tricky = {
      "it's",  "a;touch injected-semicolon", "$(touch injected-subst)", "`touch injected-backtick`",
      "two\nlines", "\"double\" \\ back", "$HOME ${PATH} * ?",
  };
  RoleSpec role;
  role.entrypoint = {"printf", "<%s>\\n"};
  role.entrypoint.insert(role.entrypoint.end(), tricky.begin(), tricky.end());
  RoleSpec env_role = shell_role("envrole", "printf '<%s>\\n' \"$TRICKY\"");
  env_role.env = {{"TRICKY", "x'; touch injected-env; echo '$(touch injected-env2)"}};
  test::ProcessResult result = dlaunch({"run", write_spec(JobSpec({role, env_role})), "-p", "slurm", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  EXPECT_TRUE(contains(result.out, "[main/0] <two\n[main/0] lines>\n")) << result.out;
  for (const auto& argument : tricky) {
    if (contains(argument, "\n")) continue;
    EXPECT_TRUE(contains(result.out, "[main/0] <" + argument + ">\n")) << "missing <" << argument << ">\n"
                                                                      << result.out;
  }
  EXPECT_TRUE(contains(result.out, "[envrole/0] <x'; touch injected-env; echo '$(touch injected-env2)>\n"))
      << result.out;
  for (const auto& entry : std::filesystem::directory_iterator(work_.path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("injected")) << entry.path() << " was created";
  }
}

TEST_F(JobsTest, JobNeedingMoreCpusThanTheNodeIsRefusedOrPendingWithSlurmsReason) {
  RoleSpec greedy = shell_role("main", "echo should not run");
  greedy.cpu = 4096;
  test::ProcessResult submitted = dlaunch({"run", write_spec(JobSpec({greedy})), "-p", "slurm"});
  if (submitted.exit_code != 0) {  // refused at submission: Slurm's reason must be in the message
    EXPECT_TRUE(contains(submitted.err, "Slurm")) << submitted.err;
    return;
  }
  std::string handle = test::last_line(submitted.out);
  std::string status = wait_for_status(handle, "PENDING");
  EXPECT_TRUE(contains(status, "PartitionConfig") || contains(status, "Resources")) << status;
  EXPECT_EQ(dlaunch({"stop", handle}).exit_code, 0);
}

TEST_F(JobsTest, TheDdpExampleRunsAsItIs) {
  // A copy in the work directory: the job's user may not enter the checkout (e.g. one under /root).
  std::filesystem::copy_file(DLAUNCH_SLURM_DDP_EXAMPLE, path("slurm-ddp.toml"));
  test::ProcessResult result = dlaunch({"run", path("slurm-ddp.toml"), "-p", "slurm", "--follow"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  for (const char* rank : {"0", "1"}) {
    EXPECT_TRUE(contains(result.out, "[trainer/" + std::string(rank) + "] rank " + rank +
                                         ": all-reduce of the ranks = 1 (expected 1)\n"))
        << result.out;
  }
}

TEST_F(JobsTest, UrlWithJwtSubmitsAndLaterCommandsFindTheTokenInSlurmJwt) {
  std::map<std::string, std::string> jwt_env = {{"DLAUNCH_SLURM_SOCKET", ""}, {"SLURM_JWT", cluster_.jwt}};
  test::ProcessResult submitted = dlaunch({"run", write_spec(JobSpec({shell_role("main", "echo over jwt")})), "-p",
                                           "slurm", "--set", "platform.slurm.url=" + cluster_.url},
                                          jwt_env);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  std::string handle = test::last_line(submitted.out);
  test::ProcessResult waited = dlaunch({"status", handle, "--wait"}, jwt_env);
  EXPECT_EQ(waited.exit_code, 0) << waited.out << waited.err;
  EXPECT_TRUE(contains(dlaunch({"logs", handle}, jwt_env).out, "[main/0] over jwt")) << handle;
}

TEST_F(JobsTest, UrlWithoutAnyTokenIsNotAuthorizedAndSaysWhereTokensComeFrom) {
  test::ProcessResult result = dlaunch({"run", write_spec(JobSpec({shell_role("main", "true")})), "-p", "slurm",
                                        "--set", "platform.slurm.url=" + cluster_.url},
                                       {{"DLAUNCH_SLURM_SOCKET", ""}, {"SLURM_JWT", ""}});
  EXPECT_EQ(result.exit_code, 77) << result.err;
  EXPECT_TRUE(contains(result.err, "SLURM_JWT")) << result.err;
}

}  // namespace
}  // namespace dlaunch::slurm_test
