// The state of one local job, as the supervisor records it in state.json and the plugin reads it back.
#ifndef DLAUNCH_LOCAL_JOB_STATE_HPP_
#define DLAUNCH_LOCAL_JOB_STATE_HPP_

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::local {

enum class RunState { kPending, kRunning, kSucceeded, kFailed, kStopped };

bool is_terminal(RunState state);
// The word stored in state.json and shown as the job's native state ("running").
const char* state_name(RunState state);
// DLAUNCH_STATE_* for the host.
int32_t host_state(RunState state);

// A running or finished process of the current attempt. Its process group id equals its pid.
struct ReplicaRecord {
  std::string role;
  int64_t rank = 0;
  pid_t pid = 0;
  uint64_t start_ticks = 0;  // tells this process apart from a later one that reuses the pid
  std::optional<int> exit_code;
};

struct JobState {
  std::string name;
  RunState state = RunState::kPending;
  uint32_t restarts = 0;
  pid_t supervisor_pid = 0;  // 0 until the supervisor has started
  uint64_t supervisor_start_ticks = 0;
  std::optional<int> exit_code;
  std::string message;
  int64_t submitted_ms = 0;
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
  std::vector<ReplicaRecord> replicas;
};

std::string to_json(const JobState& state);
// Throws sdk::Error(INTERNAL) naming `origin` when the text is not a state record.
JobState state_from_json(std::string_view json, const std::string& origin);

// Throws sdk::Error(NOT_FOUND) when the file does not exist.
JobState load_state(const std::filesystem::path& path);
void save_state(const std::filesystem::path& path, const JobState& state);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_JOB_STATE_HPP_
