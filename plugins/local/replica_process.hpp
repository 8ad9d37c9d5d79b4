// Starting one replica: its own process group (so stopping it reaches everything it started), stdout and
// stderr into one pipe the supervisor reads, stdin from /dev/null, the job's working directory, and the
// supervisor's environment with the replica's variables applied over it.
#ifndef DLAUNCH_LOCAL_REPLICA_PROCESS_HPP_
#define DLAUNCH_LOCAL_REPLICA_PROCESS_HPP_

#include <sys/types.h>

#include <string>

#include "launch_plan.hpp"

namespace dlaunch::local {

struct StartedReplica {
  pid_t pid = 0;      // also its process group id
  int output_fd = -1; // read end of its output pipe, non-blocking, close-on-exec; the caller closes it
};

// Throws std::runtime_error with a message for the replica's log (e.g. "cannot find program 'pyhton3' in
// PATH") when the process cannot be started.
StartedReplica start_replica(const ReplicaLaunch& launch);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_REPLICA_PROCESS_HPP_
