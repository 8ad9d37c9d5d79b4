#include "supervisor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "files.hpp"
#include "local_options.hpp"
#include "processes.hpp"

namespace dlaunch::local {
namespace {

// A port no one listens on right now, from the kernel (bind to port 0). The replica of rank 0 binds it
// moments later; another program could take it in between, which is the usual torchrun trade-off.
std::string free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw sdk::Error(DLAUNCH_ERR_INTERNAL, std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  int error = errno;
  ::close(fd);
  if (!ok) throw sdk::Error(DLAUNCH_ERR_INTERNAL, std::string("cannot find a free port: ") + std::strerror(error));
  return std::to_string(ntohs(address.sin_port));
}

// priority: "low" runs the job's processes at nice 10, "high" at nice -5 (which needs CAP_SYS_NICE: the
// plugin's validate refuses it without); set on the supervisor, whose replicas inherit it.
void apply_priority(const std::string& priority, const CombinedLog& combined) {
  const int nice = priority == "low" ? 10 : priority == "high" ? -5 : 0;
  if (nice == 0) return;
  if (::setpriority(PRIO_PROCESS, 0, nice) != 0) {
    combined.note("cannot set priority " + priority + " (nice " + std::to_string(nice) + "): " + std::strerror(errno));
  }
}

std::map<std::string, std::string> master_ports(const sdk::Job& job) {
  std::map<std::string, std::string> ports;
  for (const auto& role : job.roles) ports[role.name] = free_port();
  return ports;
}

// A port for each replica's TensorFlow server, of the roles with a tf_task.
std::map<std::string, std::vector<std::string>> tf_ports(const sdk::Job& job) {
  std::map<std::string, std::vector<std::string>> ports;
  for (const auto& role : job.roles) {
    if (role.tf_task == "none") continue;
    for (int64_t rank = 0; rank < role.replicas; ++rank) ports[role.name].push_back(free_port());
  }
  return ports;
}

}  // namespace

Supervisor::Supervisor(JobPaths paths, std::string_view job_json, SignalWatch& signals)
    : paths_(std::move(paths)),
      signals_(signals),
      job_(sdk::parse_job(job_json)),
      submission_id_(read_file(paths_.submission_id()).value_or("")),
      state_(load_state(paths_.state())),
      combined_(paths_.combined_log()),
      policy_(job_) {}

void Supervisor::take_over() {
  write_file_atomically(paths_.config_file(), job_.config.json());
  apply_priority(job_.priority, combined_);
  state_.supervisor_pid = ::getpid();
  state_.supervisor_start_ticks = process_start_ticks(state_.supervisor_pid).value_or(0);
  state_.state = RunState::kRunning;
  state_.started_ms = now_ms();
  save();
}

int Supervisor::run() {
  state_.restarts = 0;
  while (true) {
    AttemptResult result = run_attempt();
    state_.restarts = policy_.restarts();
    if (result.kind == AttemptResult::Kind::kSucceeded) {
      finish(RunState::kSucceeded, 0, "");
      break;
    }
    if (result.kind == AttemptResult::Kind::kStopped || signals_.stop_requested()) {
      finish(RunState::kStopped, std::nullopt, "stopped on request");
      break;
    }
    if (!result.restart_job) {
      finish(RunState::kFailed, result.exit_code, result.message);
      break;
    }
    combined_.note("restarting the job (" + policy_.last_restart_text({}, Recovery::kRestartJob) + ")");
  }
  return 0;
}

LaunchContext Supervisor::launch_context() const {
  return LaunchContext{master_ports(job_), submission_id_, paths_.config_file().string(), tf_ports(job_)};
}

AttemptResult Supervisor::run_attempt() {
  state_.replicas.clear();
  save();
  auto launches = plan_launches(job_, launch_context());
  Attempt attempt(paths_, std::move(launches), stop_grace(job_.platform), signals_, combined_, policy_, starts_,
                  [this](const std::vector<ReplicaRecord>& replicas) {
                    state_.replicas = replicas;
                    state_.restarts = policy_.restarts();
                    save();
                  });
  return attempt.run();
}

void Supervisor::finish(RunState state, std::optional<int> exit_code, const std::string& message) {
  state_.state = state;
  state_.exit_code = exit_code;
  state_.message = message;
  state_.ended_ms = now_ms();
  save();
}

void record_supervisor_failure(const JobPaths& paths, const std::string& why) noexcept {
  try {
    JobState state = load_state(paths.state());
    state.state = RunState::kFailed;
    state.message = "the local supervisor failed: " + why;
    state.ended_ms = now_ms();
    save_state(paths.state(), state);
  } catch (...) {
    // Nothing left to tell anyone with: status reports the job as lost once this process is gone.
  }
}

}  // namespace dlaunch::local
