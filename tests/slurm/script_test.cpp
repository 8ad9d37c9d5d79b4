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
test::ProcessResult run_script(const sdk::Job& job, const test::TempDir& dir) {
  std::string script = dir.write("job.sh", batch_script(job, plan_allocation(job)));
  test::ProcessOptions options;
  options.working_dir = dir.path();
  options.env = {{"PATH", std::string(DLAUNCH_FAKE_SLURM_DIR) + ":" + std::getenv("PATH")}, {"SLURM_JOB_ID", "7"}};
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

TEST(BatchScript, TasksGetDlaunchsVariablesFromSlurms) {
  test::TempDir dir;
  sdk::Role trainer = shell_role("trainer",
                                 "echo \"$DLAUNCH_ROLE rank=$RANK/$WORLD_SIZE local=$LOCAL_RANK/$LOCAL_WORLD_SIZE "
                                 "node=$NODE_RANK master=$MASTER_ADDR:$MASTER_PORT restart=$DLAUNCH_RESTART_COUNT\"");
  trainer.replicas = 2;
  trainer.per_node = 2;
  test::ProcessResult result = run_script(job_of({trainer}), dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // MASTER_PORT = 20000 + (job id 7 * 16 + role 0) % 40000
  EXPECT_NE(result.out.find("[trainer/0] trainer rank=0/2 local=0/2 node=0 master=node1:20112 restart=0\n"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("[trainer/1] trainer rank=1/2 local=1/2 node=0 master=node1:20112 restart=0\n"),
            std::string::npos)
      << result.out;
}

// The roles the script leaves behind sleep this long, so they end by themselves soon after the test.
constexpr const char* kLongSleep = "sleep 20";

TEST(BatchScript, TheJobEndsWhenTheDriversEndAndLeavesOtherRolesBehind) {
  test::TempDir dir;
  auto started = std::chrono::steady_clock::now();
  test::ProcessResult result =
      run_script(job_of({shell_role("driver", "echo done"), shell_role("server", kLongSleep, false)}), dir);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10)) << "it waited for the server";
}

TEST(BatchScript, AFailingRoleEndsTheJobWithItsExitCode) {
  test::TempDir dir;
  auto started = std::chrono::steady_clock::now();
  test::ProcessResult result =
      run_script(job_of({shell_role("driver", kLongSleep), shell_role("server", "exit 6", false)}), dir);
  EXPECT_EQ(result.exit_code, 6) << result.out << result.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10)) << "it waited for the driver";
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
