// The batch script a dlaunch job runs as on Slurm (the "script" of the submission). It starts each role as
// one srun step (allocation.hpp), gives every task dlaunch's variables (RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, NODE_RANK, MASTER_ADDR, MASTER_PORT, DLAUNCH_ROLE; the per-task ones derived from
// SLURM_PROCID, SLURM_LOCALID, SLURM_NODEID and SLURM_STEP_NODELIST inside the task), prefixes each output
// line with [role/rank], ends when every driver role has ended or any role failed, exits with the failing
// role's code, and implements failover.max_restarts with Slurm's requeue.
//
// Every value from the job (entrypoint arguments, environment values, role names) is written quoted
// (dlaunch/shell.hpp), so nothing in them is ever interpreted by the shell.
#ifndef DLAUNCH_SLURM_BATCH_SCRIPT_HPP_
#define DLAUNCH_SLURM_BATCH_SCRIPT_HPP_

#include "allocation.hpp"

#include <dlaunch/job_document.hpp>

#include <string>

namespace dlaunch::slurm {

// Throws sdk::Error(INVALID_ARGUMENT) for an environment variable name that is not an identifier or a role
// name that is not a DNS label (the host checks both; the script relies on them).
std::string batch_script(const sdk::Job& job, const Allocation& allocation);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_BATCH_SCRIPT_HPP_
