// Controlling jobs from outside: stop, delete, a lost supervisor, idempotent submit, finding submissions, list,
// unknown ids.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <iterator>
#include <string>
#include <thread>

#include "local/local_platform_test.hpp"

namespace dlaunch::test {
namespace {

using ControlTest = LocalPlatformTest;
using std::chrono::steady_clock;

// Whether the local plugin's state file for job `native_id` (its documented layout under the state
// directory: jobs/<id>/state.json) records `pid` as a replica, waiting up to 10 s for it to.
bool state_records_pid(const std::string& native_id, pid_t pid) {
  const std::string state = LocalPluginClient::instance().state_dir() + "/jobs/" + native_id + "/state.json";
  const std::string needle = "\"pid\":" + std::to_string(pid) + ",";
  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  while (steady_clock::now() < deadline) {
    std::ifstream in(state);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// A replica that starts a grandchild in its process group and records both pids.
TestRole sleeper(const std::string& name, int64_t replicas = 1) {
  return shell_role(name, "sleep 600 & echo $! > " + name + "-sleep-$RANK.pid; echo $$ > " + name +
                              "-shell-$RANK.pid; wait",
                    replicas);
}

TEST_F(ControlTest, StopEndsEveryProcessOfTheJob) {
  std::string id = submit(job_with({sleeper("trainer", 2)}));
  std::vector<pid_t> pids;
  for (const char* file : {"trainer-sleep-0.pid", "trainer-shell-0.pid", "trainer-sleep-1.pid",
                           "trainer-shell-1.pid"}) {
    pids.push_back(read_pid_file(path(file)));
    ASSERT_GT(pids.back(), 0) << file;
  }
  CallResult result = client().stop(id, "{}");
  ASSERT_TRUE(result.ok()) << result.message;

  JobStatusCopy status;
  ASSERT_TRUE(client().status(id, "{}", status).ok());
  EXPECT_EQ(status.state, DLAUNCH_STATE_STOPPED);
  EXPECT_FALSE(status.exit_code.has_value());
  for (pid_t pid : pids) EXPECT_FALSE(is_running(pid)) << "pid " << pid << " survived stop";
}

TEST_F(ControlTest, StopKillsAReplicaThatIgnoresSigtermAfterTheGracePeriod) {
  TestJob job = job_with({shell_role("stubborn", "trap '' TERM; echo $$ > stubborn.pid; "
                                                 "while true; do sleep 0.1; done")});
  job.stop_grace_seconds = 1;
  std::string id = submit(job);
  pid_t shell = read_pid_file(path("stubborn.pid"));
  ASSERT_GT(shell, 0);
  auto started = steady_clock::now();
  ASSERT_TRUE(client().stop(id, "{}").ok());
  EXPECT_GE(steady_clock::now() - started, std::chrono::seconds(1)) << "the grace period was not given";
  EXPECT_FALSE(is_running(shell));
  EXPECT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_STOPPED);
}

TEST_F(ControlTest, StoppingAFinishedJobLeavesItAsItWas) {
  std::string id = submit(job_with({shell_role("trainer", "true")}));
  ASSERT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_SUCCEEDED);
  CallResult result = client().stop(id, "{}");
  EXPECT_TRUE(result.ok()) << result.message;
  JobStatusCopy status;
  ASSERT_TRUE(client().status(id, "{}", status).ok());
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED);
}

TEST_F(ControlTest, DeleteRefusesARunningJobAndForgetsAFinishedOne) {
  std::string id = submit(job_with({sleeper("trainer")}));
  ASSERT_GT(read_pid_file(path("trainer-shell-0.pid")), 0);
  CallResult refused = client().delete_job(id, "{}");
  EXPECT_EQ(refused.code, DLAUNCH_ERR_FAILED_PRECONDITION);
  EXPECT_NE(refused.message.find("stop it first"), std::string::npos) << refused.message;

  ASSERT_TRUE(client().stop(id, "{}").ok());
  CallResult deleted = client().delete_job(id, "{}");
  EXPECT_TRUE(deleted.ok()) << deleted.message;
  JobStatusCopy status;
  EXPECT_EQ(client().status(id, "{}", status).code, DLAUNCH_ERR_NOT_FOUND);
}

TEST_F(ControlTest, JobWhoseSupervisorDiedIsFailedAndStopEndsWhatItLeft) {
  // The replica's parent is the supervisor; the shell becomes `sleep` (same pid) once both files are written.
  std::string id = submit(job_with({shell_role("trainer", "echo $PPID > supervisor.pid; echo $$ > replica.pid; "
                                                          "exec sleep 600")}));
  pid_t supervisor = read_pid_file(path("supervisor.pid"));
  pid_t replica = read_pid_file(path("replica.pid"));
  ASSERT_GT(supervisor, 0);
  ASSERT_GT(replica, 0);
  // The replica writes its files as soon as it runs, which can be before the supervisor records its pid:
  // kill the supervisor only once the job's state names the replica, or stop could not know it.
  ASSERT_TRUE(state_records_pid(id, replica));
  ASSERT_EQ(::kill(supervisor, SIGKILL), 0);
  while (is_running(supervisor)) std::this_thread::sleep_for(std::chrono::milliseconds(20));

  JobStatusCopy status;
  ASSERT_TRUE(client().status(id, "{}", status).ok());
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_NE(status.message.find("supervisor"), std::string::npos) << status.message;

  std::vector<JobStatusCopy> jobs;
  ASSERT_TRUE(client().list("{}", jobs).ok());
  auto listed = std::find_if(jobs.begin(), jobs.end(), [&](const auto& job) { return job.native_id == id; });
  ASSERT_NE(listed, jobs.end());
  EXPECT_EQ(listed->state, DLAUNCH_STATE_FAILED);

  // Without a supervisor, stop ends the replica's process group recorded in the job's state.
  ASSERT_TRUE(client().stop(id, "{}").ok());
  EXPECT_FALSE(is_running(replica));
  ASSERT_TRUE(client().status(id, "{}", status).ok());
  EXPECT_EQ(status.state, DLAUNCH_STATE_STOPPED);
}

TEST_F(ControlTest, SubmitIsIdempotentPerSubmissionId) {
  TestJob job = job_with({shell_role("trainer", "true")});
  const std::string submission = new_submission_id();
  std::string first, second;
  ASSERT_TRUE(client().submit(job.json(), submission, first).ok());
  ASSERT_TRUE(client().submit(job.json(), submission, second).ok());
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.rfind("test-job-", 0), 0u) << first;

  std::string other;
  ASSERT_TRUE(client().submit(job.json(), new_submission_id(), other).ok());
  EXPECT_NE(other, first);
  std::vector<JobStatusCopy> jobs;
  ASSERT_TRUE(client().list("{}", jobs).ok());
  for (const std::string& expected : {first, other}) {
    auto count = std::count_if(jobs.begin(), jobs.end(), [&](const auto& job) { return job.native_id == expected; });
    EXPECT_EQ(count, 1) << expected;
  }
  for (const auto& listed : jobs) {
    EXPECT_TRUE(listed.submitted_by_dlaunch);
    EXPECT_EQ(listed.name, "test-job");
  }
}

// find_submissions through the plugin's table, as the host calls it: the submission id -> native id reported.
CallResult find_submissions(const std::vector<std::string>& submission_ids, std::map<std::string, std::string>& found) {
  std::vector<const char*> ids;
  for (const auto& id : submission_ids) ids.push_back(id.c_str());
  dlaunch_find_args args{};
  args.struct_size = DLAUNCH_FIND_ARGS_SIZE_1_1;
  args.submission_ids = ids.data();
  args.count = ids.size();
  args.options_json = "{}";
  dlaunch_status_sink sink{};
  sink.struct_size = DLAUNCH_STATUS_SINK_SIZE_1_0;
  sink.context = &found;
  sink.report = [](void* context, const dlaunch_job_status* status) {
    (*static_cast<std::map<std::string, std::string>*>(context))[status->submission_id] = status->native_id;
    return true;
  };
  const dlaunch_plugin_api& api = LocalPluginClient::instance().api();
  CallResult result;
  if (dlaunch_error* error = api.find_submissions(&args, &sink)) {
    result.code = api.error_code(error);
    result.message = api.error_message(error);
    api.error_destroy(error);
  }
  return result;
}

// Only a file that does not exist means "no such submission": a jobs directory or a submission file that
// cannot be read is an error, never taken for "not there" (the host would settle the submit as failed).
TEST_F(ControlTest, FindingSubmissionsIsAnErrorWhenWhatItReadsCannotBeRead) {
  TestJob job = job_with({shell_role("trainer", "true")});
  const std::string submission = new_submission_id(), never = new_submission_id();
  std::string id;
  ASSERT_TRUE(client().submit(job.json(), submission, id).ok());
  client().wait_until_terminal(id);
  std::map<std::string, std::string> found;
  CallResult whole = find_submissions({submission, never}, found);
  ASSERT_TRUE(whole.ok()) << whole.message;
  EXPECT_EQ(found, (std::map<std::string, std::string>{{submission, id}}));

  // The job's submission id file cannot be read (a directory in its place: read fails with EISDIR).
  const std::filesystem::path jobs = std::filesystem::path(client().state_dir()) / "jobs";
  const std::filesystem::path file = jobs / id / "submission-id";
  std::filesystem::rename(file, file.string() + ".saved");
  std::filesystem::create_directory(file);
  found.clear();
  CallResult unreadable = find_submissions({submission}, found);
  EXPECT_EQ(unreadable.code, DLAUNCH_ERR_INTERNAL) << unreadable.message;
  EXPECT_NE(unreadable.message.find("cannot read " + file.string()), std::string::npos) << unreadable.message;
  EXPECT_TRUE(found.empty());
  std::filesystem::remove(file);
  std::filesystem::rename(file.string() + ".saved", file);

  // The jobs directory cannot be listed (a file in its place).
  std::filesystem::rename(jobs, jobs.string() + ".saved");
  std::ofstream(jobs) << "not a directory";
  CallResult unlisted = find_submissions({submission}, found);
  EXPECT_EQ(unlisted.code, DLAUNCH_ERR_INTERNAL) << unlisted.message;
  EXPECT_NE(unlisted.message.find("cannot read " + jobs.string()), std::string::npos) << unlisted.message;
  EXPECT_TRUE(found.empty());
  std::filesystem::remove(jobs);
  std::filesystem::rename(jobs.string() + ".saved", jobs);
  ASSERT_TRUE(find_submissions({submission}, found).ok());
  EXPECT_EQ(found.size(), 1u);
}

TEST_F(ControlTest, UnknownOrMalformedJobIdsAreNotFound) {
  JobStatusCopy status;
  EXPECT_EQ(client().status("no-such-job-123456", "{}", status).code, DLAUNCH_ERR_NOT_FOUND);
  EXPECT_EQ(client().status("../jobs", "{}", status).code, DLAUNCH_ERR_NOT_FOUND);
  EXPECT_EQ(client().stop("no-such-job-123456", "{}").code, DLAUNCH_ERR_NOT_FOUND);
  std::string logs;
  EXPECT_EQ(client().logs("no-such-job-123456", "{}", false, logs).code, DLAUNCH_ERR_NOT_FOUND);
}

}  // namespace
}  // namespace dlaunch::test
