// The batch script a dlaunch job runs as on Slurm (the "script" of the submission). It starts each role as
// one srun step (allocation.hpp), gives every task the variables of docs/job-spec.md as the local platform
// does (RANK from SLURM_PROCID; NODE_RANK, LOCAL_RANK and LOCAL_WORLD_SIZE from the layout; every role's
// hosts and master; DLAUNCH_CONFIG_FILE, written by the script), runs a torchrun role's entrypoint under
// torchrun, prefixes each output line with [role/rank], ends when every driver role has ended or any role
// failed, exits with the failing role's code, and implements failover.max_restarts with Slurm's requeue.
//
// Every value from the job (entrypoint arguments, environment values, role names) is written quoted
// (dlaunch/shell.hpp), so nothing in them is ever interpreted by the shell.
#ifndef DLAUNCH_SLURM_BATCH_SCRIPT_HPP_
#define DLAUNCH_SLURM_BATCH_SCRIPT_HPP_

#include "allocation.hpp"

#include <dlaunch/job_document.hpp>

#include <string>

namespace dlaunch::slurm {

// What the script needs besides the job.
struct ScriptContext {
  std::string submission_id;       // DLAUNCH_SUBMISSION_ID, torchrun's --rdzv_id
  std::string config_file_prefix;  // DLAUNCH_CONFIG_FILE is this + "-JOBID.config.json"
};

// Environment variable names are identifiers and role names DNS labels (the host checks both; the script
// writes them unquoted).
std::string batch_script(const sdk::Job& job, const Allocation& allocation, const ScriptContext& context);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_BATCH_SCRIPT_HPP_
