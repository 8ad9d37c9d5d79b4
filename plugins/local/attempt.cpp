#include "attempt.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <stdexcept>

#include "processes.hpp"
#include "replica_process.hpp"

namespace dlaunch::local {
namespace {

// How often the loop looks at the clock and at process groups when nothing else wakes it.
constexpr int kPollMs = 100;
// How long SIGKILLed processes get to disappear before the attempt gives up on them.
constexpr auto kKillWait = std::chrono::seconds(5);
// Reads of one replica's output per wake-up (of 16 KiB each).
constexpr int kMaxReadsPerWake = 16;
// The exit code of a replica that could not be started, as a shell reports a missing command.
constexpr int kCannotStart = 127;

int exit_code_of(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

// "exited with code 3", or "was killed by SIGKILL": a signal by its name, not as the 137 a shell would make
// of it, since the number hides that something else (the OOM killer, a user, a timeout) ended the process.
std::string how_it_ended(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited with code " + std::to_string(WEXITSTATUS(wait_status));
  const int signal = WTERMSIG(wait_status);
  const char* abbreviation = sigabbrev_np(signal);
  std::string how = "was killed by " + (abbreviation != nullptr ? "SIG" + std::string(abbreviation)
                                                                 : "signal " + std::to_string(signal));
  if (WCOREDUMP(wait_status)) how += " (core dumped)";
  return how;
}

}  // namespace

Attempt::Attempt(const JobPaths& paths, std::vector<ReplicaLaunch> launches, std::chrono::seconds stop_grace,
                 SignalWatch& signals, const CombinedLog& combined, FailoverPolicy& policy,
                 std::map<std::string, uint32_t>& starts, ReplicasChanged on_change)
    : stop_grace_(stop_grace),
      signals_(signals),
      combined_(combined),
      policy_(policy),
      starts_(starts),
      on_change_(std::move(on_change)) {
  replicas_.reserve(launches.size());
  for (auto& launch : launches) {
    ReplicaLog log(paths.replica_log(launch.role, launch.rank), launch.label());
    ReplicaRecord record{launch.role, launch.rank, 0, 0, std::nullopt};
    replicas_.push_back(Replica{std::move(launch), std::move(log), std::move(record), -1});
  }
}

Attempt::~Attempt() {
  // Only an exception (the supervisor failing) gets here with the attempt unfinished: leave no process behind.
  if (!finished()) signal_groups(SIGKILL);
  close_outputs();
}

AttemptResult Attempt::run() {
  for (auto& replica : replicas_) start(replica);
  report_change();
  while (!finished()) {
    wait_for_events();
    reap_children();
    decide();
  }
  close_outputs();
  return result_;
}

void Attempt::start(Replica& replica) {
  replica.record = ReplicaRecord{replica.launch.role, replica.launch.rank, 0, 0, std::nullopt};
  replica.restarting = false;
  uint32_t& starts = starts_[replica.launch.label()];
  set_env(replica.launch.env, kRestartCountVariable, std::to_string(starts++));
  try {
    StartedReplica started = start_replica(replica.launch);
    replica.record.pid = started.pid;
    replica.record.start_ticks = process_start_ticks(started.pid).value_or(0);
    replica.output_fd = started.output_fd;
  } catch (const std::runtime_error& e) {
    replica.log.note(e.what(), combined_);
    on_exit(replica, kCannotStart, "exited with code " + std::to_string(kCannotStart));
  }
}

void Attempt::wait_for_events() {
  std::vector<pollfd> fds{{signals_.fd(), POLLIN, 0}};
  std::vector<Replica*> readers;
  for (auto& replica : replicas_) {
    if (replica.output_fd < 0) continue;
    fds.push_back({replica.output_fd, POLLIN, 0});
    readers.push_back(&replica);
  }
  if (::poll(fds.data(), fds.size(), kPollMs) <= 0) return;
  if (fds[0].revents != 0) signals_.drain();
  for (size_t i = 0; i < readers.size(); ++i) {
    if (fds[i + 1].revents != 0) read_output(*readers[i]);
  }
}

void Attempt::read_output(Replica& replica) {
  char buffer[16 * 1024];
  // Bounded, so one replica that writes without pause cannot starve the others (or the signals).
  for (int reads = 0; reads < kMaxReadsPerWake; ++reads) {
    ssize_t n = ::read(replica.output_fd, buffer, sizeof buffer);
    if (n > 0) {
      replica.log.append(std::string_view(buffer, static_cast<size_t>(n)), combined_);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    // End of output: every process of the replica closed the pipe (or it broke).
    replica.log.finish(combined_);
    ::close(replica.output_fd);
    replica.output_fd = -1;
    return;
  }
}

void Attempt::reap_children() {
  // The supervisor is a child subreaper: orphans of the replicas land here too and are reaped silently.
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    auto has_pid = [pid](const Replica& r) { return r.record.pid == pid; };
    auto it = std::find_if(replicas_.begin(), replicas_.end(), has_pid);
    if (it != replicas_.end()) on_exit(*it, exit_code_of(status), how_it_ended(status));
  }
}

void Attempt::on_exit(Replica& replica, int exit_code, const std::string& how) {
  replica.record.exit_code = exit_code;
  // A replica stopped for its role's restart did not fail on its own.
  if (exit_code != 0 && phase_ == Phase::kRunning && !failure_ && !replica.restarting) {
    recover(replica, exit_code, replica.launch.label() + " " + how);
  }
  report_change();
}

void Attempt::recover(Replica& failed, int exit_code, const std::string& why) {
  combined_.note(why);
  const std::string& role = failed.launch.role;
  int64_t others_healthy = 0;
  for (const auto& r : replicas_) {
    const bool healthy = !r.left_behind && !r.restarting && (!r.record.exit_code || *r.record.exit_code == 0);
    if (&r != &failed && r.launch.role == role && healthy) ++others_healthy;
  }
  const Recovery recovery = policy_.on_failure(role, others_healthy);
  switch (recovery) {
    case Recovery::kRestartReplica:
      combined_.note("restarting " + failed.launch.label() + " (" + policy_.last_restart_text(role, recovery) + ")");
      restart_when_gone(failed);
      break;
    case Recovery::kRestartRole:
      combined_.note("restarting role '" + role + "' (" + policy_.last_restart_text(role, recovery) + ")");
      for (auto& r : replicas_) {
        if (r.launch.role == role && !r.left_behind) restart_when_gone(r);
      }
      break;
    case Recovery::kGoOnWithout:
      failed.left_behind = true;
      combined_.note("going on without " + failed.launch.label() + ": " + std::to_string(others_healthy) +
                     " replicas of role '" + role + "' remain (min_replicas " +
                     std::to_string(policy_.min_replicas(role)) + ")");
      break;
    case Recovery::kRestartJob:
    case Recovery::kFail:
      failure_ = AttemptResult{AttemptResult::Kind::kFailed, exit_code, why, recovery == Recovery::kRestartJob};
      break;
  }
}

// What is left of the replica (all of it, for a running one; stray children, for one that exited) gets
// SIGTERM now and SIGKILL after the grace period; it starts again once its process group is empty.
void Attempt::restart_when_gone(Replica& replica) {
  replica.restarting = true;
  replica.kill_at = std::chrono::steady_clock::now() + stop_grace_;
  if (replica.record.pid > 0) ::kill(-replica.record.pid, SIGTERM);
}

void Attempt::restart_pending(std::chrono::steady_clock::time_point now) {
  for (auto& replica : replicas_) {
    if (!replica.restarting) continue;
    const bool gone = (replica.record.exit_code.has_value() || replica.record.pid <= 0) &&
                      (replica.record.pid <= 0 || !is_group_alive(replica.record.pid));
    if (!gone) {
      if (now >= replica.kill_at && replica.record.pid > 0) ::kill(-replica.record.pid, SIGKILL);
      continue;
    }
    if (replica.output_fd >= 0) {  // its last output, before the new process writes to the same log
      read_output(replica);
      if (replica.output_fd >= 0) {
        replica.log.finish(combined_);
        ::close(replica.output_fd);
        replica.output_fd = -1;
      }
    }
    start(replica);
    report_change();
  }
}

void Attempt::decide() {
  auto now = std::chrono::steady_clock::now();
  switch (phase_) {
    case Phase::kRunning: {
      auto driver_done = [](const Replica& r) {
        return !r.launch.driver || (r.record.exit_code.has_value() && !r.restarting);
      };
      if (!failure_ && !signals_.stop_requested()) restart_pending(now);
      if (signals_.stop_requested()) {
        begin_termination({AttemptResult::Kind::kStopped, 0, "stopped on request"});
      } else if (failure_) {
        begin_termination(*failure_);
      } else if (std::all_of(replicas_.begin(), replicas_.end(), driver_done)) {
        begin_termination({AttemptResult::Kind::kSucceeded, 0, ""});
      }
      break;
    }
    case Phase::kTerminating:
      if (now >= phase_deadline_) {
        signal_groups(SIGKILL);
        phase_ = Phase::kKilling;
        phase_deadline_ = now + kKillWait;
      }
      break;
    case Phase::kKilling:
      if (now >= phase_deadline_) {
        combined_.note("some processes of the job did not die after SIGKILL; giving up on them");
        phase_ = Phase::kAbandoned;
      }
      break;
    case Phase::kAbandoned:
      break;
  }
}

void Attempt::begin_termination(AttemptResult result) {
  result_ = std::move(result);
  phase_ = Phase::kTerminating;
  phase_deadline_ = std::chrono::steady_clock::now() + stop_grace_;
  signal_groups(SIGTERM);
}

void Attempt::signal_groups(int signal) const {
  for (const auto& replica : replicas_) {
    if (replica.record.pid > 0) ::kill(-replica.record.pid, signal);
  }
}

bool Attempt::finished() const {
  if (phase_ == Phase::kRunning) return false;
  if (phase_ == Phase::kAbandoned) return true;
  return std::all_of(replicas_.begin(), replicas_.end(), [](const Replica& r) {
    return r.record.exit_code.has_value() && !is_group_alive(r.record.pid);
  });
}

void Attempt::close_outputs() {
  // What is still buffered in a pipe is read before it is closed; a process that left the replica's group
  // and still holds the pipe cannot keep the attempt open.
  for (auto& replica : replicas_) {
    if (replica.output_fd < 0) continue;
    read_output(replica);
    if (replica.output_fd < 0) continue;
    replica.log.finish(combined_);
    ::close(replica.output_fd);
    replica.output_fd = -1;
  }
}

void Attempt::report_change() const {
  std::vector<ReplicaRecord> records;
  for (const auto& replica : replicas_) records.push_back(replica.record);
  on_change_(records);
}

}  // namespace dlaunch::local
