// Watching and steering jobs on the real Slurm cluster through the built dlaunch: stop, logs -f, list,
// delete (and the job gone after it), failover by requeue.
#include "slurm_cluster.hpp"

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace dlaunch::slurm_test {
namespace {

using ControlTest = SlurmClusterTest;

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(ControlTest, StopCancelsASleepingJob) {
  std::string handle = run(JobSpec({shell_role("main", "echo sleeping; sleep 300")}));
  wait_for_status(handle, "RUNNING");
  test::ProcessResult stopped = dlaunch({"stop", handle});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  test::ProcessResult waited = dlaunch({"status", handle, "--wait"}, {}, std::chrono::seconds(60));
  EXPECT_EQ(waited.exit_code, 1) << "a stopped job has no exit code of its own\n" << waited.out << waited.err;
  EXPECT_TRUE(contains(waited.out, "STOPPED [CANCELLED]")) << waited.out;
}

TEST_F(ControlTest, LogsFollowShowsLinesBeforeTheJobEnds) {
  // The job prints a line, then waits for the test to create `release` before it prints the last one.
  std::string handle = run(JobSpec(
      {shell_role("main", "echo first line; while [ ! -e release ]; do sleep 0.2; done; echo last line")}));
  // `logs -f` writes into a file, so the test sees what it printed while it still runs.
  std::string followed_file = path("followed.txt");
  std::atomic<bool> follow_ended = false;
  test::ProcessResult followed;
  std::thread follower([&] {
    followed = test::run_process({"/bin/sh", "-c", "exec \"$0\" logs \"$1\" -f > \"$2\"", test::dlaunch_binary(),
                                  handle, followed_file},
                                 process_options({}, std::chrono::seconds(120)));
    follow_ended = true;
  });
  for (int i = 0; i < 240 && !contains(file_text(followed_file), "first line"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_TRUE(contains(file_text(followed_file), "[main/0] first line\n")) << file_text(followed_file);
  EXPECT_FALSE(follow_ended) << "logs -f ended before the job did";
  EXPECT_TRUE(contains(dlaunch({"status", handle}).out, "RUNNING"));

  std::ofstream(path("release")).put('\n');
  follower.join();
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_TRUE(contains(file_text(followed_file), "[main/0] first line\n[main/0] last line\n"))
      << file_text(followed_file);
}

TEST_F(ControlTest, ListShowsTheUsersJobsAndMarksDlaunchs) {
  std::string handle = run(JobSpec({shell_role("main", "true")}, "listed"));
  test::ProcessResult listed = dlaunch({"list", "-p", "slurm", "--output", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::string id = handle.substr(handle.find(':') + 1);
  auto at = listed.out.find("\"native_id\": \"" + id + "\"");
  ASSERT_NE(at, std::string::npos) << listed.out;
  std::string record = listed.out.substr(at, listed.out.find('}', at) - at);
  EXPECT_TRUE(contains(record, "\"name\": \"listed\"")) << record;
  EXPECT_TRUE(contains(record, "\"submitted_by_dlaunch\": true")) << record;
}

TEST_F(ControlTest, DeleteRefusesARunningJobAndForgetsAnEndedOne) {
  std::string handle = run(JobSpec({shell_role("main", "sleep 300")}));
  wait_for_status(handle, "RUNNING");
  test::ProcessResult refused = dlaunch({"delete", handle});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(contains(refused.err, "stop it first")) << refused.err;
  EXPECT_EQ(dlaunch({"stop", handle}).exit_code, 0);
  dlaunch({"status", handle, "--wait"});
  test::ProcessResult deleted = dlaunch({"delete", handle});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;

  // Slurm still holds the record (for MinJobAge) but dlaunch answers as once Slurm has forgotten it.
  const std::string id = handle.substr(handle.find(':') + 1);
  for (const char* command : {"status", "logs", "stop", "delete"}) {
    test::ProcessResult gone = dlaunch({command, handle});
    EXPECT_EQ(gone.exit_code, 1) << command << ": " << gone.out << gone.err;
    EXPECT_TRUE(contains(gone.err, "there is no Slurm job " + id + ": it was deleted (dlaunch delete)"))
        << command << ": " << gone.err;
  }
  EXPECT_FALSE(contains(dlaunch({"list", "-p", "slurm"}).out, handle + " "));
  EXPECT_TRUE(contains(dlaunch({"list"}).out, "(gone)"));
}

TEST_F(ControlTest, FailoverRequeuesAFailedAttemptUnderTheSameHandle) {
  JobSpec spec({shell_role(
      "main", "echo \"attempt $DLAUNCH_RESTART_COUNT\"; [ \"$DLAUNCH_RESTART_COUNT\" -ge 1 ] || exit 3")});
  spec.max_restarts = 1;
  test::ProcessResult result =
      dlaunch({"run", write_spec(spec), "-p", "slurm", "--follow"}, {}, std::chrono::seconds(240));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "[main/0] attempt 0\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "requeueing (restart 1 of 1)")) << result.out;
  EXPECT_TRUE(contains(result.out, "[main/0] attempt 1\n")) << result.out;
  test::ProcessResult status = dlaunch({"status", submitted_handle(result), "--output", "json"});
  EXPECT_TRUE(contains(status.out, "\"restarts\": 1")) << status.out;
}

}  // namespace
}  // namespace dlaunch::slurm_test
