// The generated batch script and the submission body. The script runs here under bash with stand-ins for
// srun and scontrol (fake-slurm/), which is enough to check quoting, the per-task variables and how roles
// end the job; tests/slurm/jobs_test.cpp runs it on the real cluster.
#include "allocation.hpp"
#include "batch_script.hpp"
#include "submission.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <support/process.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace dlaunch::slurm {
namespace {

const std::vector<std::string> kTricky = {
    "plain", "it's", "a;b", "$(echo injected)", "`echo injected`", "new\nline", "\"dq\" \\ $HOME ${X} * ?",
    "", "'", "''\\''", "tab\there",
};

sdk::Role shell_role(const std::string& name, const std::string& command, bool driver = true) {
  sdk::Role role;
  role.name = name;
  role.entrypoint = {"/bin/sh", "-c", command};
  role.driver = driver;
  return role;
}

// Runs the job's batch script with the stand-ins, as job 7. Its output goes to the file `output` in `dir`
// and is also returned in `out`: a role the script leaves running (as Slurm would kill it) then does not
// hold the test's pipe open.
test::ProcessResult run_script(const sdk::Job& built, const test::TempDir& dir) {
  const sdk::Job job = sdk::parse_job(sdk::write_job(built));  // as the host sends it: inherited values filled in
  std::string script =
      dir.write("job.sh", batch_script(job, plan_allocation(job), {"submission-1", dir.path() + "/test-job"}));
  test::ProcessOptions options;
  options.working_dir = dir.path();
  options.env = {{"PATH", std::string(DLAUNCH_FAKE_SLURM_DIR) + ":" + std::getenv("PATH")},
                 {"SLURM_JOB_ID", "7"},
                 {"SLURM_JOB_NODELIST", "node[1-2]"},
                 {"SLURM_JOB_NUM_NODES", "2"}};
  options.timeout = std::chrono::seconds(30);
  test::ProcessResult result =
      test::run_process({"/bin/sh", "-c", "exec /bin/bash \"$0\" > output 2>&1 < /dev/null", script}, options);
  result.out = test::run_process({"cat", dir.path() + "/output"}).out;
  return result;
}

sdk::Job job_of(std::vector<sdk::Role> roles) {
  sdk::Job job;
  job.name = "test-job";
  job.working_dir = "/tmp";
  job.roles = std::move(roles);
  return job;
}

TEST(BatchScript, EntrypointAndEnvironmentValuesArriveLiterally) {
  test::TempDir dir;
  sdk::Role role;
  role.name = "main";
  role.entrypoint = {"printf", "<%s>\\n"};
  role.entrypoint.insert(role.entrypoint.end(), kTricky.begin(), kTricky.end());
  sdk::Role env_role = shell_role("env", "printf '<%s>\\n' \"$TRICKY\"");
  env_role.env = {{"TRICKY", "x'; echo injected; echo '$(echo injected)`echo injected`"}};
  test::ProcessResult result = run_script(job_of({role, env_role}), dir);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out.find("injected\n"), std::string::npos) << result.out;
  for (const auto& value : kTricky) {
    std::string first_line = value.substr(0, value.find('\n'));
    EXPECT_NE(result.out.find("[main/0] <" + first_line), std::string::npos) << value << "\n" << result.out;
  }
  EXPECT_NE(result.out.find("[env/0] <x'; echo injected; echo '$(echo injected)`echo injected`>\n"), std::string::npos)
      << result.out;
}

TEST(BatchScript, TasksGetDlaunchsVariablesFromTheLayout) {
  test::TempDir dir;
  sdk::Role trainer = shell_role("trainer",
                                 "echo \"$DLAUNCH_ROLE rank=$RANK/$WORLD_SIZE local=$LOCAL_RANK/$LOCAL_WORLD_SIZE "
                                 "node=$NODE_RANK master=$MASTER_ADDR:$MASTER_PORT restart=$DLAUNCH_RESTART_COUNT "
                                 "run=$DLAUNCH_SUBMISSION_ID nnodes=$DLAUNCH_NNODES "
                                 "ps=$DLAUNCH_PARAM_SERVER_HOSTS@$DLAUNCH_PARAM_SERVER_MASTER_ADDR:"
                                 "$DLAUNCH_PARAM_SERVER_MASTER_PORT plan=${dlaunch_places-unset}\"; "
                                 "cat \"$DLAUNCH_CONFIG_FILE\"");
  trainer.replicas = 4;
  trainer.per_node = 2;
  sdk::Job job = job_of({trainer, shell_role("param-server", "true", false)});
  job.node_num = 2;
  job.config = sdk::Options::parse(R"({"lr":0.1})");
  test::ProcessResult result = run_script(job, dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // MASTER_PORT = 20000 + (job id 7 * 16 + role index) % 40000; the param-server, the job's third group, is
  // on node 0 (node1).
  for (const char* line : {"[trainer/0] trainer rank=0/4 local=0/2 node=0 master=node1:20112",
                           "[trainer/3] trainer rank=3/4 local=1/2 node=1 master=node1:20112"}) {
    EXPECT_NE(result.out.find(std::string(line) +
                              " restart=0 run=submission-1 nnodes=2:2 ps=node1@node1:20113 plan=unset\n"),
              std::string::npos)
        << line << "\n" << result.out;
  }
  EXPECT_NE(result.out.find("[trainer/0] {\"lr\":0.1}\n"), std::string::npos) << result.out;
  EXPECT_EQ(test::run_process({"cat", dir.path() + "/test-job-7.config.json"}).out, "{\"lr\":0.1}\n");
}

TEST(BatchScript, ATorchrunRoleRunsItsEntrypointUnderTorchrunAtItsMaster) {
  test::TempDir dir;
  // A stand-in torchrun that shows its arguments and the node rank a static rendezvous reads.
  dir.write("bin/torchrun", "#!/bin/sh\necho \"torchrun $* node_rank=${PET_NODE_RANK-none}\"\n");
  ASSERT_EQ(test::run_process({"chmod", "+x", dir.path() + "/bin/torchrun"}).exit_code, 0);
  sdk::Role elastic = shell_role("trainer", "true");
  elastic.launcher = "torchrun";
  elastic.replicas = 2;
  elastic.min_replicas = 1;
  elastic.nproc_per_node = 4;
  elastic.max_restarts = 3;
  // The role's PATH is the batch script's too: srun and scontrol are the stand-ins.
  elastic.env = {{"PATH", dir.path() + "/bin:" + DLAUNCH_FAKE_SLURM_DIR + ":/usr/bin:/bin"}};
  sdk::Role fixed = elastic;
  fixed.name = "fixed";
  fixed.min_replicas = 2;
  fixed.rdzv_backend = "static";
  fixed.rdzv_port = 29400;
  sdk::Job job = job_of({elastic, fixed});
  job.node_num = 2;
  test::ProcessResult result = run_script(job, dir);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("[trainer/1] torchrun --nproc_per_node=4 --max_restarts=3 --nnodes=1:2 "
                            "--rdzv_backend=c10d --rdzv_endpoint=node1:20112 --rdzv_id=submission-1 --no-python "
                            "/bin/sh -c true node_rank=none\n"),
            std::string::npos)
      << result.out;
  // The fixed role's groups are the job's third and fourth: its master is on node 0.
  EXPECT_NE(result.out.find("[fixed/1] torchrun --nproc_per_node=4 --max_restarts=3 --nnodes=2 "
                            "--rdzv_backend=static --master_addr=node1 --master_port=29400 --no-python "
                            "/bin/sh -c true node_rank=1\n"),
            std::string::npos)
      << result.out;
}

// An elastic job runs the plan for the node count Slurm gave it: the elastic role sheds replicas.
TEST(BatchScript, AnElasticJobRunsThePlanForTheNodesItGot) {
  test::TempDir dir;
  sdk::Role trainer = shell_role("trainer", "echo \"rank=$RANK/$WORLD_SIZE nnodes=$DLAUNCH_NNODES\"");
  trainer.replicas = 2;
  trainer.min_replicas = 1;
  sdk::Job job = job_of({trainer});
  job.node_num = 2;
  Allocation allocation = plan_allocation(sdk::parse_job(sdk::write_job(job)));
  EXPECT_EQ(allocation.min_nodes, 1);
  EXPECT_EQ(allocation.on_fewer_nodes.at(1).at(0).tasks, 1);
  // The stand-ins: SLURM_JOB_NUM_NODES=1 as Slurm would set it for one node.
  std::string script = dir.write("job.sh", batch_script(sdk::parse_job(sdk::write_job(job)), allocation,
                                                        {"s", dir.path() + "/test-job"}));
  test::ProcessOptions options;
  options.working_dir = dir.path();
  options.env = {{"PATH", std::string(DLAUNCH_FAKE_SLURM_DIR) + ":" + std::getenv("PATH")},
                 {"SLURM_JOB_ID", "7"}, {"SLURM_JOB_NODELIST", "node1"}, {"SLURM_JOB_NUM_NODES", "1"}};
  options.timeout = std::chrono::seconds(30);
  test::ProcessResult result = test::run_process({"/bin/bash", script}, options);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("[trainer/0] rank=0/1 nnodes=1:2\n"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("[trainer/1]"), std::string::npos) << result.out;
}

// A role the script leaves behind: it sleeps, so that it ends by itself soon after the test, and then leaves
// a mark in `dir`; a script that waited for it would find the mark there when it returns.
std::string left_behind(const test::TempDir& dir) { return "sleep 20; touch " + dir.path() + "/left-behind-ended"; }
bool waited_for_left_behind(const test::TempDir& dir) {
  return std::filesystem::exists(dir.path() + "/left-behind-ended");
}

TEST(BatchScript, TheJobEndsWhenTheDriversEndAndLeavesOtherRolesBehind) {
  test::TempDir dir;
  test::ProcessResult result =
      run_script(job_of({shell_role("driver", "echo done"), shell_role("server", left_behind(dir), false)}), dir);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_FALSE(waited_for_left_behind(dir)) << "it waited for the server";
}

TEST(BatchScript, AFailingRoleEndsTheJobWithItsExitCode) {
  test::TempDir dir;
  test::ProcessResult result =
      run_script(job_of({shell_role("driver", left_behind(dir)), shell_role("server", "exit 6", false)}), dir);
  EXPECT_EQ(result.exit_code, 6) << result.out << result.err;
  EXPECT_FALSE(waited_for_left_behind(dir)) << "it waited for the driver";
}

// The entrypoint runs as the task's child, so its last lines are out before the task ends (slurmstepd drops
// those of a task that dies of a signal itself); the task then dies of the same signal, for Slurm to report.
TEST(BatchScript, ATaskKilledByASignalPassesItsOutputOnAndDiesOfTheSameSignal) {
  test::TempDir dir;
  test::ProcessResult result = run_script(job_of({shell_role("main", "echo before; kill -KILL $$")}), dir);
  EXPECT_EQ(result.exit_code, 128 + 9) << result.out << result.err;
  EXPECT_NE(result.out.find("[main/0] before\n"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("Killed"), std::string::npos) << "bash's notice of its killed child\n" << result.out;
  test::ProcessResult exited = run_script(job_of({shell_role("main", "exit 3")}), dir);
  EXPECT_EQ(exited.exit_code, 3) << exited.out << exited.err;
}

TEST(BatchScript, AFailedAttemptAsksSlurmToRequeueWithinMaxRestarts) {
  test::TempDir dir;
  sdk::Job job = job_of({shell_role("main", "exit 3")});
  job.failover.max_restarts = 2;
  test::ProcessResult result = run_script(job, dir);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.out.find("[dlaunch] attempt failed with exit code 3; requeueing (restart 1 of 2)"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("[dlaunch] scontrol requeue failed: the job ends here"), std::string::npos) << result.out;
  test::ProcessResult requeued = test::run_process({"cat", dir.path() + "/requeued"});
  EXPECT_EQ(requeued.out, "7\n");
}

TEST(Submission, TheBodyCarriesTheScriptAndTheJobsProperties) {
  sdk::Role role;
  role.name = "main";
  role.entrypoint = {"true"};
  role.resources.cpu = 2;
  sdk::Job job = job_of({role});
  job.working_dir = "/work";
  job.env = {{"PATH", "/job/bin"}, {"MY", "value"}};
  job.labels = {{"team", "nlp"}};
  job.failover.max_restarts = 1;
  job.priority = "low";  // the user's own nice (extra) wins over priority's
  job.platform = sdk::Options::parse(R"({"partition":"debug","time_limit":"30","exclusive":true,
                                         "output_dir":"out","extra":{"nice":10,"mail_type":"END"}})");
  Submission submission =
      prepare_submission(sdk::write_job(job), "sub-9", {{"PATH", "/caller/bin"}, {"LANG", "C"}}, Purpose::kSend);
  rapidjson::Document body;
  body.Parse(submission_body(submission, false).c_str());
  ASSERT_FALSE(body.HasParseError());
  EXPECT_EQ(std::string(body["script"].GetString()), submission.script);
  const auto& props = body["job"];
  EXPECT_STREQ(props["name"].GetString(), "test-job");
  EXPECT_STREQ(props["comment"].GetString(), R"(dlaunch {"submission":"sub-9","labels":{"team":"nlp"}})");
  EXPECT_STREQ(props["current_working_directory"].GetString(), "/work");
  EXPECT_STREQ(props["environment"]["PATH"].GetString(), "/job/bin") << "the job's env wins over the caller's";
  EXPECT_STREQ(props["environment"]["LANG"].GetString(), "C");
  EXPECT_STREQ(props["environment"]["MY"].GetString(), "value");
  EXPECT_STREQ(props["environment"]["DLAUNCH_JOB"].GetString(), "test-job");
  EXPECT_STREQ(props["standard_output"].GetString(), "/work/out/test-job-%j.out");
  EXPECT_STREQ(props["open_mode"].GetString(), "append");
  EXPECT_TRUE(props["requeue"].GetBool());
  EXPECT_EQ(props["nodes"][0].GetInt(), 1);
  EXPECT_EQ(props["cpus_per_task"].GetInt(), 2);
  EXPECT_STREQ(props["partition"].GetString(), "debug");
  EXPECT_EQ(props["time_limit"].GetInt(), 30);
  EXPECT_STREQ(props["exclusive"].GetString(), "exclusive");
  EXPECT_EQ(props["nice"].GetInt(), 10);
  EXPECT_STREQ(props["mail_type"].GetString(), "END");
  EXPECT_FALSE(props.HasMember("memory_per_node"));
  EXPECT_FALSE(props.HasMember("gres"));
}

TEST(Submission, LowPriorityIsANiceValue) {
  sdk::Role role;
  role.name = "main";
  role.entrypoint = {"true"};
  sdk::Job job = job_of({role});
  for (const char* priority : {"normal", "low"}) {
    job.priority = priority;
    rapidjson::Document body;
    body.Parse(submission_body(prepare_submission(sdk::write_job(job), "s", {}, Purpose::kSend), false).c_str());
    ASSERT_FALSE(body.HasParseError());
    EXPECT_EQ(body["job"].HasMember("nice"), job.priority == "low") << priority;
    if (job.priority == "low") {
      EXPECT_EQ(body["job"]["nice"].GetInt(), kLowPriorityNice);
    }
  }
}

TEST(Submission, ShownSubmissionsHideSecretLookingEnvironmentValues) {
  sdk::Role role;
  role.name = "main";
  role.entrypoint = {"true"};
  role.env = {{"HF_TOKEN", "k2"}};
  sdk::Job job = job_of({role});
  job.name = "j";
  job.working_dir = "/w";
  job.env = {{"WANDB_API_KEY", "k1"}, {"PLAIN", "visible"}};
  const std::string document = sdk::write_job(job);
  Submission shown = prepare_submission(document, "s", {{"PATH", "/bin"}}, Purpose::kShow);
  std::string body = submission_body(shown, true);
  EXPECT_EQ(body.find("k1"), std::string::npos) << body;
  EXPECT_EQ(body.find("k2"), std::string::npos) << body;
  EXPECT_NE(body.find("\"WANDB_API_KEY\": \"***\""), std::string::npos) << body;
  EXPECT_NE(shown.script.find("export HF_TOKEN='***'"), std::string::npos) << shown.script;
  EXPECT_NE(body.find("\"PLAIN\": \"visible\""), std::string::npos) << body;
  Submission sent = prepare_submission(document, "s", {{"PATH", "/bin"}}, Purpose::kSend);
  EXPECT_NE(submission_body(sent, false).find("\"WANDB_API_KEY\":\"k1\""), std::string::npos);
}

TEST(Submission, OutputFileNamesCannotLeaveTheDirectoryOrUseSlurmPatterns) {
  EXPECT_EQ(output_file_pattern("/o", "a/b%x"), "/o/a_b_x-%j.out");
}

}  // namespace
}  // namespace dlaunch::slurm
