#include "job_control.hpp"

#include <dlaunch/job_document.hpp>
#include <signal.h>

#include <thread>

#include "files.hpp"
#include "local_options.hpp"
#include "processes.hpp"

namespace dlaunch::local {
namespace {

// Between submit creating the job and its supervisor recording itself, a job has no supervisor yet.
constexpr int64_t kSupervisorStartMs = 10'000;
// What a supervisor may need beyond the stop grace period: SIGKILL, reaping, the final state.
constexpr auto kStopMargin = std::chrono::seconds(15);
constexpr auto kPollInterval = std::chrono::milliseconds(20);

std::chrono::seconds job_stop_grace(const JobPaths& paths) {
  auto document = read_file(paths.job_document());
  return stop_grace(document ? sdk::parse_job(*document).platform : sdk::Options());
}

bool supervisor_alive(const JobState& state) {
  return is_same_process_alive(state.supervisor_pid, state.supervisor_start_ticks);
}

bool wait_for_supervisor_exit(const JobState& state, std::chrono::steady_clock::time_point deadline) {
  while (supervisor_alive(state)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

}  // namespace

JobState read_state(const JobPaths& paths) {
  if (!std::filesystem::is_directory(paths.dir())) {
    throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "there is no local job '" + paths.native_id() + "'");
  }
  return load_state(paths.state());
}

bool is_lost(const JobState& recorded) {
  if (is_terminal(recorded.state)) return false;
  if (recorded.supervisor_pid == 0) return now_ms() - recorded.submitted_ms > kSupervisorStartMs;
  return !supervisor_alive(recorded);
}

JobState observe(const JobPaths& paths) {
  JobState state = read_state(paths);
  if (!is_lost(state)) return state;
  // The supervisor records the outcome and then exits: read again, or a job that just ended looks lost.
  state = read_state(paths);
  if (!is_lost(state)) return state;
  state.message = state.supervisor_pid == 0
                      ? "the job's supervisor never started"
                      : "the job's supervisor (pid " + std::to_string(state.supervisor_pid) +
                            ") is gone, so how the job ended is unknown (was it killed, or the machine restarted?)";
  state.state = RunState::kFailed;
  return state;
}

void stop_job(const JobPaths& paths) {
  JobState state = read_state(paths);
  if (is_terminal(state.state)) return;
  const auto grace = job_stop_grace(paths);
  if (supervisor_alive(state)) {
    ::kill(state.supervisor_pid, SIGTERM);
    if (!wait_for_supervisor_exit(state, std::chrono::steady_clock::now() + grace + kStopMargin)) {
      throw sdk::Error(DLAUNCH_ERR_TEMPORARY, "job '" + paths.native_id() + "' is still stopping after " +
                                                  std::to_string((grace + kStopMargin).count()) +
                                                  " s; run stop again to check");
    }
    if (is_terminal(read_state(paths).state)) return;
  }
  end_leftovers(paths, RunState::kStopped, "stopped on request (its supervisor was already gone)");
}

void end_leftovers(const JobPaths& paths, RunState final_state, const std::string& message) {
  JobState state = read_state(paths);
  std::vector<ProcessGroup> groups;
  for (const auto& replica : state.replicas) {
    if (replica.pid > 0) groups.push_back({replica.pid, replica.start_ticks});
  }
  terminate_groups(groups, job_stop_grace(paths));
  state.state = final_state;
  state.message = message;
  state.ended_ms = now_ms();
  save_state(paths.state(), state);
}

}  // namespace dlaunch::local
