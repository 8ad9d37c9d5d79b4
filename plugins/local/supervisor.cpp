#include "supervisor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
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

sdk::Job load_job(const JobPaths& paths) {
  auto document = read_file(paths.job_document());
  if (!document) throw sdk::Error(DLAUNCH_ERR_INTERNAL, "missing job document " + paths.job_document().string());
  return sdk::parse_job(*document);
}

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

std::map<std::string, std::string> master_ports(const sdk::Job& job) {
  std::map<std::string, std::string> ports;
  for (const auto& role : job.roles) ports[role.name] = free_port();
  return ports;
}

}  // namespace

Supervisor::Supervisor(JobPaths paths, SignalWatch& signals)
    : paths_(std::move(paths)),
      signals_(signals),
      job_(load_job(paths_)),
      state_(load_state(paths_.state())),
      combined_(paths_.combined_log()) {}

void Supervisor::take_over() {
  state_.supervisor_pid = ::getpid();
  state_.supervisor_start_ticks = process_start_ticks(state_.supervisor_pid).value_or(0);
  state_.state = RunState::kRunning;
  state_.started_ms = now_ms();
  save();
}

int Supervisor::run() {
  const auto max_restarts = static_cast<uint32_t>(std::max<int64_t>(job_.failover.max_restarts, 0));
  for (state_.restarts = 0;; ++state_.restarts) {
    AttemptResult result = run_attempt();
    if (result.kind == AttemptResult::Kind::kSucceeded) {
      finish(RunState::kSucceeded, 0, "");
      break;
    }
    if (result.kind == AttemptResult::Kind::kStopped || signals_.stop_requested()) {
      finish(RunState::kStopped, std::nullopt, "stopped on request");
      break;
    }
    if (state_.restarts >= max_restarts) {
      finish(RunState::kFailed, result.exit_code, result.message);
      break;
    }
    combined_.note("restarting the job (restart " + std::to_string(state_.restarts + 1) + " of " +
                   std::to_string(max_restarts) + ")");
  }
  return 0;
}

AttemptResult Supervisor::run_attempt() {
  state_.replicas.clear();
  save();
  auto launches = plan_launches(job_, master_ports(job_), state_.restarts);
  Attempt attempt(paths_, std::move(launches), stop_grace(job_.platform), signals_, combined_,
                  [this](const std::vector<ReplicaRecord>& replicas) {
                    state_.replicas = replicas;
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
