// Failures that say why, on the real Slurm cluster: `run --wait/--follow`, `status` and `logs` give Slurm's
// state and reason code for a task killed by a signal (named), a batch script that could not launch, and a job
// cancelled while it waited (with what it waited for), never "output file ... does not exist here"; a killed
// task's last lines are kept; a partition or node feature Slurm does not have is refused in its words.
#include "slurm_cluster.hpp"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace dlaunch::slurm_test {
namespace {

using WhyTest = SlurmClusterTest;

const char* const kSharedFilesystem = "shared with the cluster";

TEST_F(WhyTest, ATaskKilledByASignalIsNamed) {
  test::ProcessResult run =
      dlaunch({"run", write_spec(JobSpec({shell_role("main", "echo before; kill -KILL $$")})), "-p", "slurm", "--wait"});
  EXPECT_EQ(run.exit_code, 137) << "srun's exit code for a killed task\n" << run.err;
  EXPECT_TRUE(contains(run.err, "FAILED (exit 137): NonZeroExitCode: a task was killed by SIGKILL\n")) << run.err;
  const std::string handle = test::last_line(run.out);
  EXPECT_TRUE(contains(dlaunch({"status", handle}).out, "  message:  NonZeroExitCode: a task was killed by SIGKILL\n"));
  test::ProcessResult logs = dlaunch({"logs", handle});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_TRUE(contains(logs.out, "[main/0] before\n")) << logs.out;
  EXPECT_TRUE(contains(logs.out, "[dlaunch] Slurm job " + handle.substr(6) +
                                     " ended FAILED with exit code 137: NonZeroExitCode: a task was killed by SIGKILL\n"))
      << logs.out;
}

// slurmstepd drops the last lines of a task that dies of a signal itself (5 runs in 12 when the task exec'd its
// entrypoint): 8 runs all keep them.
TEST_F(WhyTest, AKilledTasksLastLinesAreNeverLost) {
  std::vector<std::string> handles;
  for (int i = 0; i < 8; ++i) handles.push_back(run(JobSpec({shell_role("main", "echo last words; kill -KILL $$")})));
  for (const auto& handle : handles) {
    EXPECT_EQ(dlaunch({"status", handle, "--wait"}).exit_code, 137);
    test::ProcessResult logs = dlaunch({"logs", handle});
    EXPECT_TRUE(contains(logs.out, "[main/0] last words\n")) << handle << ":\n" << logs.out;
    EXPECT_TRUE(contains(logs.out, "a task was killed by SIGKILL\n")) << handle << ":\n" << logs.out;
  }
}

// Slurm 22.05 refuses a partition or a node feature it does not have at submission, in its own words.
TEST_F(WhyTest, AnUnknownPartitionOrConstraintIsRefusedWithSlurmsReason) {
  const std::string spec = write_spec(JobSpec({shell_role("main", "true")}));
  test::ProcessResult partition = dlaunch({"run", spec, "-p", "slurm", "--set", "platform.slurm.partition=nope"});
  EXPECT_EQ(partition.exit_code, 65) << partition.err;
  EXPECT_TRUE(contains(partition.err, "Invalid partition name specified")) << partition.err;
  test::ProcessResult constraint = dlaunch({"run", spec, "-p", "slurm", "--set", "platform.slurm.constraint=nofeature"});
  EXPECT_EQ(constraint.exit_code, 65) << constraint.err;
  EXPECT_TRUE(contains(constraint.err, "Invalid feature specification")) << constraint.err;
}

TEST_F(WhyTest, ABatchScriptThatCannotLaunchSaysJobLaunchFailure) {
  // The job's user cannot write its output file here: slurmd cannot start the batch script.
  const std::string locked = path("locked");
  std::filesystem::create_directory(locked);
  ASSERT_EQ(chmod(locked.c_str(), 0700), 0);  // owned by the test's user (root), not the job's
  JobSpec spec({shell_role("main", "echo never")}, "unlaunched");
  std::string toml = to_toml(spec) + "\n[platform.slurm]\noutput_dir = " + toml_string(locked) + "\n";
  test::ProcessResult run = dlaunch({"run", work_.write("job.toml", toml), "-p", "slurm", "--follow"});
  EXPECT_EQ(run.exit_code, 1) << "no exit code of its own\n" << run.out << run.err;
  const std::string why = "JobLaunchFailure: the batch script could not start on ";
  EXPECT_TRUE(contains(run.err, "FAILED: " + why)) << run.err;
  EXPECT_FALSE(contains(run.err + run.out, kSharedFilesystem)) << run.err;
  const std::string handle = test::last_line(run.out);
  EXPECT_TRUE(contains(dlaunch({"status", handle}).out, "  message:  " + why));
  test::ProcessResult logs = dlaunch({"logs", handle});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_TRUE(contains(logs.out, "ended FAILED: " + why)) << logs.out;
}

TEST_F(WhyTest, AJobCancelledWhilePendingSaysSoAndWhatItWaitedFor) {
  // The first job takes the node whole, so the second waits (Resources), then is cancelled before it starts.
  JobSpec hog({shell_role("main", "sleep 300")}, "hog");
  std::string hog_toml = to_toml(hog) + "\n[platform.slurm]\nexclusive = true\n";
  test::ProcessResult hog_run = dlaunch({"run", work_.write("hog.toml", hog_toml), "-p", "slurm"});
  ASSERT_EQ(hog_run.exit_code, 0) << hog_run.err;
  const std::string hog_handle = test::last_line(hog_run.out);
  wait_for_status(hog_handle, "RUNNING");

  std::atomic<bool> followed = false;
  test::ProcessResult follow;
  const std::string waiter = work_.write("waiter.toml", to_toml(JobSpec({shell_role("main", "echo never")}, "waiter")));
  std::thread follower([&] {
    follow = dlaunch({"run", waiter, "-p", "slurm", "--follow"});
    followed = true;
  });
  std::string handle;
  for (int i = 0; i < 100 && handle.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    test::ProcessResult listed = dlaunch({"list", "--state", "PENDING", "-o", "json"});
    auto at = listed.out.find("\"handle\": \"slurm:");
    if (at != std::string::npos) handle = listed.out.substr(at + 11, listed.out.find('"', at + 11) - at - 11);
  }
  ASSERT_FALSE(handle.empty()) << "the second job never showed as pending";
  std::string pending = wait_for_status(handle, "Resources");
  EXPECT_TRUE(contains(pending, "PENDING")) << pending;
  test::ProcessResult early_logs = dlaunch({"logs", handle});
  EXPECT_EQ(early_logs.exit_code, 0) << early_logs.err;
  EXPECT_EQ(early_logs.out, "");
  EXPECT_TRUE(contains(early_logs.err, "is PENDING (Resources): no output yet")) << early_logs.err;

  EXPECT_EQ(dlaunch({"stop", handle}).exit_code, 0);
  follower.join();
  EXPECT_EQ(follow.exit_code, 1) << follow.out << follow.err;
  EXPECT_TRUE(contains(follow.err, "STOPPED [CANCELLED]: cancelled while pending (Resources)\n")) << follow.err;
  EXPECT_FALSE(contains(follow.err + follow.out, kSharedFilesystem)) << follow.err;
  EXPECT_TRUE(contains(dlaunch({"status", handle}).out, "  message:  cancelled while pending (Resources)\n"));
  test::ProcessResult logs = dlaunch({"logs", handle});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_EQ(logs.out, "[dlaunch] Slurm job " + handle.substr(6) +
                          " ended CANCELLED: cancelled while pending (Resources)\n");
  EXPECT_EQ(dlaunch({"stop", hog_handle}).exit_code, 0);
}

}  // namespace
}  // namespace dlaunch::slurm_test
