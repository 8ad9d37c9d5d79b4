// `dlaunch logs` for Slurm without a cluster: the output file as it grows, what a job that never started or
// ended badly says instead, and the jobs `delete` forgot.
#include "deleted_jobs.hpp"
#include "output_file.hpp"

#include <gtest/gtest.h>
#include <support/process.hpp>

#include <chrono>
#include <fstream>
#include <iostream>

namespace dlaunch::slurm {
namespace {

// The host side of the C ABI's sinks, as the plugin sees them: a string for `out`, warnings kept.
struct Sinks {
  std::string text;
  std::vector<std::string> warnings;
  dlaunch_host_api api{};
  dlaunch_text_sink sink{};

  Sinks() {  // not copied or moved: the sinks point at it
    api.struct_size = sizeof(api);
    api.host_data = this;
    api.log = [](const dlaunch_host_api* self, int32_t, const char* message) {
      static_cast<Sinks*>(self->host_data)->warnings.emplace_back(message);
    };
    sink.struct_size = sizeof(sink);
    sink.context = this;
    sink.write = [](void* context, const char* data, size_t size) {
      static_cast<Sinks*>(context)->text.append(data, size);
      return true;
    };
  }
  sdk::Host host() const { return sdk::Host(&api); }
  sdk::TextOut out() const { return sdk::TextOut(&sink); }
};

const std::string kServer = "slurmrestd on the UNIX socket /run/test.sock";

sdk::JobStatus status(int32_t state, std::string native_state, std::string message,
                      std::optional<int32_t> exit_code = std::nullopt) {
  sdk::JobStatus s;
  s.native_id = "42";
  s.state = state;
  s.native_state = std::move(native_state);
  s.message = std::move(message);
  s.exit_code = exit_code;
  return s;
}

TEST(JobOutput, AFailedJobsOutputEndsWithItsStateAndReason) {
  test::TempDir dir;
  std::ofstream(dir.path() + "/out") << "[w/0] before\n";
  Sinks sinks;
  auto snapshot = [&](std::chrono::milliseconds) {
    return JobSnapshot{status(DLAUNCH_STATE_FAILED, "FAILED", "NonZeroExitCode: a task was killed by SIGKILL", 137),
                       true, dir.path() + "/out"};
  };
  copy_job_output(snapshot, false, kServer, sinks.out(), sinks.host());
  EXPECT_EQ(sinks.text,
            "[w/0] before\n"
            "[dlaunch] Slurm job 42 ended FAILED with exit code 137: NonZeroExitCode: a task was killed by SIGKILL\n");
  EXPECT_TRUE(sinks.warnings.empty());
}

TEST(JobOutput, AJobThatNeverStartedSaysWhyInsteadOfMissingItsFile) {
  test::TempDir dir;
  Sinks sinks;
  auto snapshot = [&](std::chrono::milliseconds) {
    return JobSnapshot{status(DLAUNCH_STATE_STOPPED, "CANCELLED", "cancelled while pending (Priority)"), false,
                       dir.path() + "/never-written.out"};
  };
  copy_job_output(snapshot, true, kServer, sinks.out(), sinks.host());
  EXPECT_EQ(sinks.text, "[dlaunch] Slurm job 42 ended CANCELLED: cancelled while pending (Priority)\n");
}

TEST(JobOutput, AJobThatRanWithoutAFileHereIsAnErrorSayingBoth) {
  Sinks sinks;
  auto snapshot = [&](std::chrono::milliseconds) { return JobSnapshot{status(DLAUNCH_STATE_SUCCEEDED, "COMPLETED", ""), true, "/nonexistent/x.out"}; };
  try {
    copy_job_output(snapshot, false, kServer, sinks.out(), sinks.host());
    FAIL() << "no error";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.code(), DLAUNCH_ERR_UNAVAILABLE) << "not NOT_FOUND: the job exists";
    EXPECT_NE(std::string(e.what()).find("Slurm job 42 ran and ended COMPLETED, but its output file /nonexistent/x.out "
                                         "does not exist here"),
              std::string::npos)
        << e.what();
  }
}

TEST(JobOutput, APendingJobWarnsOnceThatItHasNoOutputYet) {
  test::TempDir dir;
  Sinks sinks;
  int snapshots = 0;
  auto snapshot = [&](std::chrono::milliseconds) {
    ++snapshots;
    return snapshots < 3 ? JobSnapshot{status(DLAUNCH_STATE_PENDING, "PENDING", "Resources"), false, dir.path() + "/o"}
                         : JobSnapshot{status(DLAUNCH_STATE_SUCCEEDED, "COMPLETED", ""), true, dir.path() + "/o"};
  };
  auto succeeded_after = [&](std::chrono::milliseconds timeout) {
    if (snapshots == 2) std::ofstream(dir.path() + "/o") << "[w/0] done\n";
    return snapshot(timeout);
  };
  copy_job_output(succeeded_after, true, kServer, sinks.out(), sinks.host());
  EXPECT_EQ(sinks.text, "[w/0] done\n");
  ASSERT_EQ(sinks.warnings.size(), 1u);
  EXPECT_EQ(sinks.warnings[0], "Slurm job 42 is PENDING (Resources): no output yet");
}

// slurmrestd gone for a moment while following: the output file is still read, one warning says so, and
// following goes on once it answers again. Each snapshot's request is bounded by the time left (8 s).
TEST(JobOutput, FollowingOutlastsAServerThatStopsAnsweringForAMoment) {
  test::TempDir dir;
  std::ofstream(dir.path() + "/o") << "[w/0] one\n";
  Sinks sinks;
  int snapshots = 0;
  std::vector<std::chrono::milliseconds> timeouts;
  auto snapshot = [&](std::chrono::milliseconds timeout) {
    timeouts.push_back(timeout);
    if (++snapshots == 2 || snapshots == 3) {
      std::ofstream(dir.path() + "/o", std::ios::app) << "[w/0] while gone " << snapshots << "\n";
      throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE, "cannot reach " + kServer + ": connection refused");
    }
    return snapshots < 4 ? JobSnapshot{status(DLAUNCH_STATE_RUNNING, "RUNNING", ""), true, dir.path() + "/o"}
                         : JobSnapshot{status(DLAUNCH_STATE_SUCCEEDED, "COMPLETED", ""), true, dir.path() + "/o"};
  };
  copy_job_output(snapshot, true, kServer, sinks.out(), sinks.host());
  EXPECT_EQ(sinks.text, "[w/0] one\n[w/0] while gone 2\n[w/0] while gone 3\n");
  ASSERT_EQ(sinks.warnings.size(), 1u);
  EXPECT_NE(sinks.warnings[0].find("connection refused; still trying, for up to 8 s"), std::string::npos)
      << sinks.warnings[0];
  ASSERT_EQ(timeouts.size(), 4u);
  EXPECT_EQ(timeouts[0].count(), 0) << "the first snapshot has the client's own limit";
  for (size_t i = 1; i < timeouts.size(); ++i) {
    EXPECT_GT(timeouts[i].count(), 0);
    EXPECT_LE(timeouts[i].count(), 8000);
  }
}

// ... and once it has not answered for 8 s, following ends with the error's own code, naming the server and
// the period.
TEST(JobOutput, FollowingGivesUpOnAServerThatNoLongerAnswers) {
  test::TempDir dir;
  Sinks sinks;
  int snapshots = 0;
  auto snapshot = [&](std::chrono::milliseconds) {
    if (++snapshots > 1) throw sdk::Error(DLAUNCH_ERR_TEMPORARY, "slurmrestd did not answer in time");
    return JobSnapshot{status(DLAUNCH_STATE_RUNNING, "RUNNING", ""), true, dir.path() + "/o"};
  };
  try {
    copy_job_output(snapshot, true, kServer, sinks.out(), sinks.host());
    FAIL() << "following never gave up";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.code(), DLAUNCH_ERR_TEMPORARY);
    EXPECT_NE(std::string(e.what()).find("following the output of Slurm job 42: no answer from " + kServer +
                                         " for 8 s (slurmrestd did not answer in time)"),
              std::string::npos)
        << e.what();
  }
  std::cout << "[give-up] " << snapshots << " snapshots\n";
  EXPECT_GE(snapshots, 3) << "tried again before giving up";
}

TEST(DeletedJobs, RemembersWhatWasDeletedAcrossInstances) {
  test::TempDir state;
  DeletedJobs(state.path()).add("c.7.100");
  EXPECT_TRUE(DeletedJobs(state.path()).contains("c.7.100"));
  EXPECT_FALSE(DeletedJobs(state.path()).contains("c.7.200"));
  EXPECT_FALSE(DeletedJobs("").contains("c.7.100"));
  DeletedJobs(state.path()).add("../../escape");
  EXPECT_TRUE(DeletedJobs(state.path()).contains("../../escape"));
  EXPECT_FALSE(std::filesystem::exists(state.path() + "/../escape"));
}

}  // namespace
}  // namespace dlaunch::slurm
