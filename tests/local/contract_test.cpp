// The process contract on the local platform (docs/job-spec.md): the variables every process gets beyond
// torchrun's, the config file, the torchrun launcher's command, and priority.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "local/local_platform_test.hpp"
#include "support/tf_config_exchange.hpp"

namespace dlaunch::test {
namespace {

using ContractTest = LocalPlatformTest;

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(ContractTest, EveryProcessGetsTheSubmissionTheRolesAndTheConfigFile) {
  TestRole trainer = shell_role("trainer",
                                "echo \"$DLAUNCH_SUBMISSION_ID|$DLAUNCH_NNODES|$DLAUNCH_TRAINER_MASTER_ADDR|"
                                "$DLAUNCH_TRAINER_HOSTS|$DLAUNCH_PARAM_SERVER_MASTER_ADDR|"
                                "$DLAUNCH_PARAM_SERVER_HOSTS|$DLAUNCH_RESTART_COUNT\" > env-$RANK; "
                                "echo \"$MASTER_PORT|$DLAUNCH_TRAINER_MASTER_PORT|$DLAUNCH_PARAM_SERVER_MASTER_PORT\" "
                                "> ports-$RANK; cat \"$DLAUNCH_CONFIG_FILE\" > config-$RANK",
                                2);
  trainer.per_node = 1;
  TestRole server = shell_role("param-server", "echo $MASTER_PORT > server-port");
  TestJob job = job_with({trainer, server});
  job.config_json = R"({"lr":0.01,"model":{"layers":[1,2]}})";
  const std::string submission_id = new_submission_id();
  std::string id;
  CallResult result = client().submit(job.json(), submission_id, id);
  ASSERT_TRUE(result.ok()) << result.message;
  ASSERT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_SUCCEEDED) << logs_of(id);

  EXPECT_EQ(file_text(path("env-1")), submission_id + "|2:2|127.0.0.1|127.0.0.1|127.0.0.1|127.0.0.1|0\n");
  EXPECT_EQ(file_text(path("config-0")), R"({"lr":0.01,"model":{"layers":[1,2]}})");
  // Each role's master port, as its own replicas and the other roles see it.
  const std::string server_port = file_text(path("server-port"));
  std::string ports = file_text(path("ports-0"));
  const std::string trainer_port = ports.substr(0, ports.find('|'));
  EXPECT_EQ(ports, trainer_port + "|" + trainer_port + "|" + server_port.substr(0, server_port.size() - 1) + "\n");
}

TEST_F(ContractTest, TfTaskRolesFindEachOtherThroughTfConfig) {
  {
    std::ofstream script(path("tf_config_exchange.py"));
    script << kTfConfigExchangePy;
  }
  TestRole ps = shell_role("param-server", "python3 tf_config_exchange.py");
  ps.tf_task = "ps";
  TestRole worker = shell_role("trainer", "python3 tf_config_exchange.py", 2);
  worker.tf_task = "worker";
  TestRole other = shell_role("logger", "echo \"TF_CONFIG=${TF_CONFIG-unset}\"");
  std::string id = submit(job_with({ps, worker, other}));
  ASSERT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_SUCCEEDED) << logs_of(id);
  const std::string logs = logs_of(id);
  EXPECT_NE(logs.find("ps heard worker 0 (a worker of 2)"), std::string::npos) << logs;
  EXPECT_NE(logs.find("ps heard worker 1 (a worker of 2)"), std::string::npos) << logs;
  EXPECT_NE(logs.find("TF_CONFIG=unset"), std::string::npos) << logs;  // a role without tf_task

  // What dry_run shows: the text of the SDK's tf_config, ports chosen when the job starts.
  std::string text;
  ASSERT_TRUE(client().dry_run(job_with({ps, worker}).json(), "dlaunch-test-0123", text).ok());
  EXPECT_NE(text.find(R"({"cluster":{"ps":["127.0.0.1:<a free port, chosen when the job starts>"],"worker":[)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"("task":{"type":"worker","index":1}})"), std::string::npos) << text;
}

TEST_F(ContractTest, TheConfigFileIsAnEmptyObjectWithoutConfig) {
  std::string id = submit(job_with({shell_role("trainer", "cat \"$DLAUNCH_CONFIG_FILE\" > config")}));
  ASSERT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_EQ(file_text(path("config")), "{}");
}

TEST_F(ContractTest, LowPriorityRunsTheProcessesNiceTen) {
  TestJob job = job_with({shell_role("trainer", "ps -o ni= -p $$ | tr -d ' ' > nice")});
  job.priority = "low";
  std::string id = submit(job);
  ASSERT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_EQ(file_text(path("nice")), "10\n");
}

TEST_F(ContractTest, TheTorchrunLauncherBuildsTheTorchrunCommand) {
  TestRole trainer;
  trainer.name = "trainer";
  trainer.entrypoint = {"python3", "-m", "pkg.train", "--epochs", "1"};
  trainer.replicas = 3;
  trainer.min_replicas = 2;
  trainer.max_restarts = 4;
  trainer.launcher = "torchrun";
  trainer.nproc_per_node = 2;
  TestJob job = job_with({trainer});
  job.start_timeout = 120;
  std::string text;
  CallResult result = client().dry_run(job.json(), "dlaunch-test-0123", text);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_NE(text.find("trainer/1 (driver)\n  command: torchrun --nproc_per_node=2 --max_restarts=4 --nnodes=2:3 "
                      "--rdzv_backend=c10d '--rdzv_endpoint=127.0.0.1:<a free port, chosen when the job starts>' "
                      "--rdzv_id=dlaunch-test-0123 --rdzv_conf=join_timeout=120 --no-python python3 -m pkg.train "
                      "--epochs 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    trainer: torchrun restarts its workers at most 4 times; goes on with 2 of 3 replicas\n"),
            std::string::npos)
      << text;

  trainer.rdzv_backend = "static";
  trainer.min_replicas = 3;
  ASSERT_TRUE(client().dry_run(job_with({trainer}).json(), "dlaunch-test-0123", text).ok());
  EXPECT_NE(text.find("command: torchrun --nproc_per_node=2 --max_restarts=4 --nnodes=3 --node_rank=2 "
                      "--rdzv_backend=static --master_addr=127.0.0.1 "),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace dlaunch::test

namespace dlaunch::test {
namespace {

// The executable `program` in PATH, or "".
std::string find_in_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// A two-node-shaped torchrun run with torch.distributed's gloo backend: the replicas meet at the c10d
// rendezvous dlaunch configured and all-reduce their ranks. Runs under the `torch` label, with PyTorch's venv
// first in PATH (tests/local/CMakeLists.txt).
TEST_F(ContractTest, TorchrunReplicasMeetAtTheRendezvousAndAllReduce) {
  ASSERT_FALSE(find_in_path("torchrun").empty()) << "torchrun is not in PATH: run it as ctest -L torch does";
  {
    std::ofstream script(path("all_reduce.py"));
    script << "import os, torch, torch.distributed as dist\n"
              "dist.init_process_group('gloo')\n"
              "t = torch.tensor([dist.get_rank()])\n"
              "dist.all_reduce(t)\n"
              "open('sum-%s' % os.environ['RANK'], 'w').write('%d of %d\\n' % (t.item(), dist.get_world_size()))\n"
              "dist.destroy_process_group()\n";
  }
  TestRole trainer;
  trainer.name = "trainer";
  trainer.entrypoint = {"python3", "all_reduce.py"};
  trainer.replicas = 2;
  trainer.per_node = 1;
  trainer.launcher = "torchrun";
  trainer.nproc_per_node = 2;
  std::string id = submit(job_with({trainer}));
  JobStatusCopy status = client().wait_until_terminal(id, std::chrono::seconds(120));
  ASSERT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message << logs_of(id);
  for (int rank = 0; rank < 4; ++rank) {
    EXPECT_EQ(file_text(path("sum-" + std::to_string(rank))), "6 of 4\n") << rank;  // 0 + 1 + 2 + 3
  }
}

}  // namespace
}  // namespace dlaunch::test
