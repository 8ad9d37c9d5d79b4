#include "processes.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace dlaunch::local {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(20);
// How long SIGKILLed processes get to disappear (the kernel needs a moment; a process in D state longer).
constexpr auto kKillWait = std::chrono::seconds(5);

bool still_ours(const ProcessGroup& group) {
  auto ticks = process_start_ticks(group.pgid);
  // A leader that is gone is fine: its group may still hold our orphans, and a group id is only reused
  // through a new live leader with that pid.
  return !ticks || *ticks == group.leader_start_ticks;
}

bool wait_until_empty(const std::vector<ProcessGroup>& groups, std::chrono::steady_clock::time_point deadline) {
  auto alive = [](const ProcessGroup& g) { return is_group_alive(g.pgid); };
  while (std::any_of(groups.begin(), groups.end(), alive)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

// The fields of /proc/<pid>/stat used here.
struct ProcStat {
  char state = '?';
  pid_t process_group = 0;
  uint64_t start_ticks = 0;
  bool is_running() const { return state != 'Z' && state != 'X'; }
};

std::optional<ProcStat> read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // "pid (comm) state ppid pgrp ..." where comm may hold spaces and parentheses: parse after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  ProcStat stat;
  pid_t parent = 0;
  fields >> stat.state >> parent >> stat.process_group;
  // starttime is field 22 of the line; pgrp was field 5.
  std::string skipped;
  for (int field = 6; field < 22; ++field) fields >> skipped;
  if (!(fields >> stat.start_ticks)) return std::nullopt;
  return stat;
}

}  // namespace

std::optional<uint64_t> process_start_ticks(pid_t pid) {
  auto stat = read_stat(pid);
  if (!stat) return std::nullopt;
  return stat->start_ticks;
}

bool is_same_process_alive(pid_t pid, uint64_t start_ticks) {
  if (pid <= 0) return false;
  auto stat = read_stat(pid);
  return stat && stat->is_running() && stat->start_ticks == start_ticks;
}

bool is_group_alive(pid_t pgid) {
  if (pgid <= 0 || (::kill(-pgid, 0) != 0 && errno == ESRCH)) return false;
  // The group has members, but zombies count too, and an init that does not reap (as in some containers)
  // keeps them forever: look for a member that still runs.
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto stat = read_stat(static_cast<pid_t>(std::stol(name)));
    if (stat && stat->process_group == pgid && stat->is_running()) return true;
  }
  return false;
}

bool terminate_groups(const std::vector<ProcessGroup>& groups, std::chrono::seconds grace) {
  std::vector<ProcessGroup> ours;
  std::copy_if(groups.begin(), groups.end(), std::back_inserter(ours), still_ours);
  for (const auto& group : ours) ::kill(-group.pgid, SIGTERM);
  auto now = std::chrono::steady_clock::now();
  if (wait_until_empty(ours, now + grace)) return true;
  for (const auto& group : ours) ::kill(-group.pgid, SIGKILL);
  return wait_until_empty(ours, std::chrono::steady_clock::now() + kKillWait);
}

}  // namespace dlaunch::local
