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
  // per_node = 1 on node_num = 1: the role's two groups share the node (refused on Slurm before per_node
  // meant the same everywhere), and LOCAL_RANK counts the role's replicas there.
  trainer.replicas = 2;
  test::ProcessResult result = dlaunch({"run", write_spec(JobSpec({trainer})), "-p", "slurm", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  for (int rank : {0, 1}) {
    std::string line = "[trainer/" + std::to_string(rank) + "] rank=" + std::to_string(rank) + " world=2 local=" +
                       std::to_string(rank) + "/2 node=0 master=" + short_host_name() + ":";
    EXPECT_TRUE(contains(result.out, line)) << "missing: " << line << "\n" << result.out;
  }
  EXPECT_TRUE(contains(result.out, "role=trainer")) << result.out;
}

// The variables of docs/job-spec.md as the local platform gives them (the test node has 2 CPUs: two roles
// of one replica): every role finds the others, the config arrives as a file, priority = "low" is Slurm's
// nice, and a torchrun role runs under torchrun (a stand-in that shows its arguments: the cluster has no
// PyTorch) with the submission id as --rdzv_id.
TEST_F(JobsTest, TasksGetTheEnvironmentContractAndTorchrunAsOnLocal) {
  std::string bin = path("bin");
  std::filesystem::create_directories(bin);
  work_.write("bin/torchrun", "#!/bin/sh\necho \"torchrun $*\"\n");
  std::filesystem::permissions(bin + "/torchrun", std::filesystem::perms::all);
  std::string spec = work_.write("contract.toml", R"toml(name = "contract"
node_num = 1
priority = "low"
[config]
lr = 0.5
[[roles]]
name = "trainer"
entrypoint = """echo "rank=$RANK local=$LOCAL_RANK/$LOCAL_WORLD_SIZE node=$NODE_RANK nnodes=$DLAUNCH_NNODES \
run=$DLAUNCH_SUBMISSION_ID ps=$DLAUNCH_PARAM_SERVER_HOSTS@$DLAUNCH_PARAM_SERVER_MASTER_ADDR:\
$DLAUNCH_PARAM_SERVER_MASTER_PORT self=$DLAUNCH_TRAINER_MASTER_ADDR:$DLAUNCH_TRAINER_MASTER_PORT \
master=$MASTER_ADDR:$MASTER_PORT $(scontrol show job "$SLURM_JOB_ID" | grep -o 'Nice=[0-9-]*') \
config=$(cat "$DLAUNCH_CONFIG_FILE")"
"""
[[roles]]
name = "param-server"
launcher = "torchrun"
nproc_per_node = 2
entrypoint = ["python3", "ps.py"]
env = { PATH = ")toml" + bin + R"toml(:/usr/bin:/bin" }
)toml");
  test::ProcessResult result = dlaunch({"run", spec, "-p", "slurm", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const std::string host = short_host_name();
  EXPECT_TRUE(contains(result.out, "[trainer/0] rank=0 local=0/1 node=0 nnodes=1:1 run=")) << result.out;
  EXPECT_TRUE(contains(result.out, " ps=" + host + "@" + host + ":")) << result.out;
  EXPECT_TRUE(contains(result.out, " config={\"lr\":0.5}\n")) << result.out;
  EXPECT_TRUE(contains(result.out, " Nice=10000 ")) << "priority = \"low\"\n" << result.out;
  EXPECT_TRUE(contains(result.out, "[param-server/0] torchrun --nproc_per_node=2 --max_restarts=0 --nnodes=1:1 "
                                   "--rdzv_backend=c10d --rdzv_endpoint=" + host + ":"))
      << result.out;
  EXPECT_TRUE(contains(result.out, " --no-python python3 ps.py\n")) << result.out;
  // The same run id in the trainer's DLAUNCH_SUBMISSION_ID and torchrun's --rdzv_id.
  auto after = [&](const std::string& marker) {
    size_t at = result.out.find(marker);
    if (at == std::string::npos) return std::string("<no " + marker + ">");
    at += marker.size();
    return result.out.substr(at, result.out.find_first_of(" \n", at) - at);
  };
  EXPECT_EQ(after("run="), after("--rdzv_id=")) << result.out;
  EXPECT_FALSE(after("run=").empty());
  EXPECT_EQ(after("self="), after("master=")) << result.out;
}

// Slurm has no limit on how long a job pends: dlaunch fails (and cancels) one still pending after
// start_timeout, with Slurm's reason. This one waits for a begin time an hour away.
TEST_F(JobsTest, AJobThatCannotStartFailsAfterStartTimeoutWithSlurmsReason) {
  std::string spec = work_.write("late.toml", R"(name = "late"
start_timeout = "2s"
[[roles]]
name = "main"
entrypoint = ["true"]
[platform.slurm]
extra = { begin_time = "now+1hour" }
)");
  test::ProcessResult submitted = dlaunch({"run", spec, "-p", "slurm"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.out << submitted.err;
  std::string handle = test::last_line(submitted.out);
  test::ProcessResult waited = dlaunch({"status", handle, "--wait"}, {}, std::chrono::seconds(60));
  EXPECT_NE(waited.exit_code, 0) << waited.out << waited.err;
  EXPECT_TRUE(contains(waited.out, "FAILED")) << waited.out;
  EXPECT_TRUE(contains(waited.out, "did not start within start_timeout (2s): Slurm's reason: BeginTime"))
      << waited.out;
  // Cancelled in Slurm, and still reported as the timeout it was.
  test::ProcessResult later = dlaunch({"status", handle});
  EXPECT_TRUE(contains(later.out, "FAILED [CANCELLED]")) << later.out;
  EXPECT_TRUE(contains(later.out, "start_timeout")) << later.out;
}

// An elastic role starts with fewer than its replicas: the job asks for 1 to 2 nodes, the one-node cluster
// gives 1, and the role runs its one minimum replica to the end.
TEST_F(JobsTest, AnElasticRoleStartsOnFewerNodesAndFinishes) {
  std::string spec = work_.write("elastic.toml", R"(name = "elastic"
node_num = 2
[[roles]]
name = "trainer"
replicas = 2
min_replicas = 1
entrypoint = "echo rank=$RANK world=$WORLD_SIZE nnodes=$DLAUNCH_NNODES"
)");
  test::ProcessResult result = dlaunch({"run", spec, "-p", "slurm", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "[trainer/0] rank=0 world=1 nnodes=1:2\n")) << result.out;
  EXPECT_FALSE(contains(result.out, "[trainer/1]")) << result.out;
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
