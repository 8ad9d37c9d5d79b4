// Facts about processes that are not ours to wait for: is a recorded pid still the same process, is a process
// group empty, and stopping a set of process groups.
#ifndef DLAUNCH_LOCAL_PROCESSES_HPP_
#define DLAUNCH_LOCAL_PROCESSES_HPP_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace dlaunch::local {

// The start time (clock ticks after boot) of process `pid` (a zombie too), or nullopt when there is none.
// Pids are reused; a pid together with its start time names one process for good.
std::optional<uint64_t> process_start_ticks(pid_t pid);

// True when `pid` is still the process that had `start_ticks`, and it runs (is not a zombie).
bool is_same_process_alive(pid_t pid, uint64_t start_ticks);

// True while a process of group `pgid` still runs (zombies do not count).
bool is_group_alive(pid_t pgid);

// A process group to stop: its leader's pid (== pgid) and the leader's start time.
struct ProcessGroup {
  pid_t pgid = 0;
  uint64_t leader_start_ticks = 0;
};

// Sends SIGTERM to every group, waits up to `grace` for them to empty, then SIGKILLs what is left and waits a
// little more. For groups whose processes are not our children (their parent reaps them). Skips a group
// whose pid now belongs to a different process, so a reused pid is never signalled. Returns true when every
// group is gone.
bool terminate_groups(const std::vector<ProcessGroup>& groups, std::chrono::seconds grace);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_PROCESSES_HPP_
