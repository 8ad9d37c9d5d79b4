// The schema 2 fields on the real Ray cluster of the RayCluster fixture, through the built `dlaunch`: the
// process environment contract (the same as local's), start_timeout, the torchrun launcher's command, and
// failover scope with a role's own restart limit. Each test is one short job: they add about 30 s to CI.
#include "cli_test_fixture.hpp"
#include "text_checks.hpp"

#include <cstdlib>
#include <filesystem>
#include <thread>

namespace dlaunch::ray_test {
namespace {

using RaySchema2 = CliTest;

// Prints every variable of the contract on one line, and the config file's content.
const char* const kReport =
    "echo \"$DLAUNCH_ROLE/$RANK sub=$DLAUNCH_SUBMISSION_ID nnodes=$DLAUNCH_NNODES restarts=$DLAUNCH_RESTART_COUNT "
    "trainer=$DLAUNCH_TRAINER_MASTER_ADDR:$DLAUNCH_TRAINER_MASTER_PORT@$DLAUNCH_TRAINER_HOSTS "
    "ps=$DLAUNCH_PARAM_SERVER_MASTER_ADDR:$DLAUNCH_PARAM_SERVER_MASTER_PORT@$DLAUNCH_PARAM_SERVER_HOSTS "
    "master=$MASTER_ADDR:$MASTER_PORT config=$(cat \"$DLAUNCH_CONFIG_FILE\")\"";

// The value of `name=` in the line of `label` ("trainer/1") of a log.
std::string field(const std::string& log, const std::string& label, const std::string& name) {
  const auto line = log.find("[" + label + "] " + label + " ");
  if (line == std::string::npos) return "<no line of " + label + ">";
  const auto end = log.find('\n', line);
  const auto at = log.find(" " + name + "=", line);
  if (at == std::string::npos || at > end) return "<no " + name + ">";
  const auto value = at + name.size() + 2;
  const auto stop = name == "config" ? end : log.find(' ', value);
  return log.substr(value, std::min(stop, end) - value);
}

TEST_F(RaySchema2, EveryReplicaGetsTheEnvironmentContractOfLocal) {
  JobSpec spec = job("contract", "");
  spec.config_toml = "lr = 0.5\nmodel = { layers = 2 }\n";
  spec.roles = {RoleSpec{"trainer", kReport, 2, 1, 0.5, {}, true}, RoleSpec{"param-server", kReport, 1, 1, 0.5, {}, true}};
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const std::string& log = result.out;
  const std::string submission = field(log, "trainer/0", "sub");
  EXPECT_TRUE(submission.starts_with("dlaunch-contract-") && submission.size() > 20) << log;
  for (const char* label : {"trainer/0", "trainer/1", "param-server/0"}) {
    EXPECT_EQ(field(log, label, "sub"), submission) << label << ": one id for the whole submission\n" << log;
    EXPECT_EQ(field(log, label, "restarts"), "0") << log;
    EXPECT_EQ(field(log, label, "config"), R"({"lr":0.5,"model":{"layers":2}})") << log;
    // Every replica finds every role's rank 0 where that role's own replicas find their master.
    EXPECT_EQ(field(log, label, "trainer"), field(log, "trainer/0", "master") + "@127.0.0.1,127.0.0.1") << log;
    EXPECT_EQ(field(log, label, "ps"), field(log, "param-server/0", "master") + "@127.0.0.1") << log;
  }
  EXPECT_EQ(field(log, "trainer/1", "nnodes"), "2:2") << log;
  EXPECT_EQ(field(log, "param-server/0", "nnodes"), "1:1") << log;

  // A one-replica job runs without the gang driver: the same contract.
  JobSpec single = job("contract-one", "");
  single.config_toml = "lr = 0.5\n";
  single.roles = {RoleSpec{"trainer", std::string(kReport) + "; echo \"file=$DLAUNCH_CONFIG_FILE\"", 1, 1, 0.5, {}, true}};
  auto direct = dlaunch({"run", write_spec(single), "-p", "ray", "--follow"});
  ASSERT_EQ(direct.exit_code, 0) << direct.out << direct.err;
  const std::string line = direct.out.substr(direct.out.find("trainer/0 sub="));
  EXPECT_TRUE(contains(line, " nnodes=1:1 restarts=0 trainer=127.0.0.1:29500@127.0.0.1 ")) << direct.out;
  EXPECT_TRUE(contains(line, " config={\"lr\":0.5}\n")) << direct.out;
  EXPECT_TRUE(contains(line, "sub=dlaunch-contract-one-")) << direct.out;
  // The config file lives as long as the job's process: none piles up in the node's /tmp (this cluster's node is
  // this machine). Its watcher notices the end within a second.
  const auto at = direct.out.find("file=");
  ASSERT_NE(at, std::string::npos) << direct.out;
  const std::string file = direct.out.substr(at + 5, direct.out.find('\n', at) - at - 5);
  ASSERT_TRUE(file.ends_with(".config.json")) << direct.out;
  for (int tries = 0; tries < 100 && std::filesystem::exists(file); ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(std::filesystem::exists(file)) << file << " outlived its job";
}

TEST_F(RaySchema2, AJobThatCannotBePlacedFailsAfterItsStartTimeoutSayingWhatItWaitedFor) {
  JobSpec spec = job("too-big", "echo never");
  spec.start_timeout = 5;
  spec.roles.front().cpu = 64;  // the cluster has 4
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--wait"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_TRUE(contains(result.err, "FAILED (exit 1): the job did not start within its start_timeout of 5 s: waiting "
                                   "for resources: main: 1 × {CPU: 64}; the cluster has {CPU: 4"))
      << result.err;
  auto logs = dlaunch({"logs", test::last_line(result.out)});
  EXPECT_FALSE(contains(logs.out, "never")) << logs.out;
}

TEST_F(RaySchema2, ATorchrunRoleRunsTheTorchrunCommandAtItsRolesMaster) {
  // A stand-in torchrun, found first in the role's PATH, prints what it was given.
  const std::string fake = work_.write("bin/torchrun", "#!/bin/sh\necho \"$DLAUNCH_ROLE/$RANK master=$MASTER_ADDR:$MASTER_PORT args=$*\"\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
  JobSpec spec = job("torchrun", "");
  spec.start_timeout = 60;
  spec.roles = {RoleSpec{"trainer", "python3 train.py", 2, 1, 0.5, {{"PATH", "./bin:/usr/bin:/bin"}}, true, 0, 3,
                         "torchrun", 4}};
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const std::string master = field(result.out, "trainer/0", "master");
  const auto handle = result.err.find("ray:dlaunch-torchrun-");
  ASSERT_NE(handle, std::string::npos) << result.err;
  const std::string submission = result.err.substr(handle + 4, 29);  // dlaunch-torchrun- and 12 hex digits
  for (const char* label : {"trainer/0", "trainer/1"}) {
    EXPECT_TRUE(contains(result.out, std::string("[") + label + "] " + label + " master=" + master +
                                         " args=--nproc_per_node=4 --max_restarts=3 --nnodes=2:2 --rdzv_backend=c10d "
                                         "--rdzv_endpoint=" + master + " --rdzv_id=" + submission +
                                         " --rdzv_conf=join_timeout=60 --no-python /bin/sh -c python3 train.py\n"))
        << result.out;
  }
}

TEST_F(RaySchema2, ScopeReplicaRestartsOnlyTheFailedReplicaWithinItsRolesLimit) {
  JobSpec spec = job("replica-scope", "");
  spec.scope = "replica";
  // w/1 fails on its first start only; the other replica runs once, undisturbed.
  const std::string flaky =
      "echo \"start $DLAUNCH_RESTART_COUNT\"; if [ \"$RANK\" = 1 ] && [ \"$DLAUNCH_RESTART_COUNT\" = 0 ]; then exit 3; "
      "fi; sleep 1";
  spec.roles = {RoleSpec{"w", flaky, 2, 1, 0.5, {}, true, 0, 1}};
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  for (const char* line : {"[w/1] start 0\n", "[dlaunch] w/1 exited with code 3\n",
                           "[dlaunch] restarting w/1 (restart 1 of 1 for role 'w')\n", "[w/1] start 1\n",
                           "[w/0] start 0\n"}) {
    EXPECT_TRUE(contains(result.out, line)) << line << " missing from:\n" << result.out;
  }
  EXPECT_FALSE(contains(result.out, "[w/0] start 1")) << result.out;

  // With the role's restarts spent, its next failure ends the job, whatever the job's own limit.
  spec.name = "replica-scope-spent";
  spec.max_restarts = 5;
  spec.roles.front().command = "if [ \"$RANK\" = 1 ]; then exit 3; fi; sleep 1";
  auto spent = dlaunch({"run", write_spec(spec), "-p", "ray", "--wait"});
  EXPECT_EQ(spent.exit_code, 3) << spent.err;
  EXPECT_TRUE(contains(spent.err, "FAILED (exit 3): w/1 exited with code 3\n")) << spent.err;
}

TEST_F(RaySchema2, AnElasticRoleStartsWithTheReplicasTheClusterHoldsOnceItsMinimumIsPlaced) {
  JobSpec spec = job("elastic", "echo \"$DLAUNCH_ROLE/$RANK of $WORLD_SIZE nnodes=$DLAUNCH_NNODES\"");
  spec.roles.front().name = "w";
  spec.roles.front().replicas = 4;
  spec.roles.front().min_replicas = 2;
  spec.roles.front().cpu = 1.5;  // the cluster's 4 CPUs hold two
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  for (const char* line : {"[dlaunch] starting role 'w' with 2 of 4 replicas (min_replicas 2): the cluster holds no "
                           "more\n",
                           "[w/0] w/0 of 2 nnodes=2:4\n", "[w/1] w/1 of 2 nnodes=2:4\n"}) {
    EXPECT_TRUE(contains(result.out, line)) << line << " missing from:\n" << result.out;
  }
  EXPECT_FALSE(contains(result.out, "[w/2]")) << result.out;
}

}  // namespace
}  // namespace dlaunch::ray_test

namespace dlaunch::ray_test {
namespace {

// Label `torch` (ctest runs it with build/torch-venv first in PATH): two torchrun nodes of two workers each
// meet at their role's c10d rendezvous on Ray and all-reduce with gloo.
TEST_F(RaySchema2, TorchrunReplicasMeetAtTheRendezvousAndAllReduce) {
  const char* path = std::getenv("PATH");
  ASSERT_NE(path, nullptr);
  ASSERT_TRUE(contains(path, "torch-venv")) << "torchrun is not in PATH: run it as ctest -L torch does";
  work_.write("all_reduce.py",
              "import os, torch, torch.distributed as dist\n"
              "dist.init_process_group('gloo')\n"
              "t = torch.tensor([dist.get_rank()])\n"
              "dist.all_reduce(t)\n"
              // One write each: a node's two workers share its output pipe.
              "os.write(1, b'worker %d: %d of %d\\n' % (dist.get_rank(), t.item(), dist.get_world_size()))\n"
              "dist.destroy_process_group()\n");
  JobSpec spec = job("torch-all-reduce", "python3 all_reduce.py");
  spec.start_timeout = 120;
  spec.roles = {RoleSpec{"trainer", "python3 all_reduce.py", 2, 1, 0.5, {{"PATH", path}}, true, 0, 0, "torchrun", 2}};
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  for (int rank = 0; rank < 4; ++rank) {
    EXPECT_TRUE(contains(result.out, "] worker " + std::to_string(rank) + ": 6 of 4\n")) << result.out;  // 0+1+2+3
  }
}

}  // namespace
}  // namespace dlaunch::ray_test
