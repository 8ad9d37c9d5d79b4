// How a dlaunch job maps onto Slurm: ONE job (allocation) in which each role runs as one `srun` step, all
// steps at once. (Not a heterogeneous job: Slurm schedules those only from its backfill loop, tens of
// seconds apart, and Slurm 22.05 kept a two-component one pending on a single idle node; see docs/slurm.md.)
//
// Each role's step: replicas -> tasks, per_node -> tasks per node, replicas/per_node -> nodes,
// cpu -> CPUs per task (whole CPUs), memory -> memory per node (per_node x the replica's memory, MiB),
// gpu -> GPUs per task. The allocation holds every role at once: node_num nodes, each with the sum over
// roles of what one node of that role needs.
#ifndef DLAUNCH_SLURM_ALLOCATION_HPP_
#define DLAUNCH_SLURM_ALLOCATION_HPP_

#include <dlaunch/job_document.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch::slurm {

struct RoleStep {
  size_t index = 0;  // position in the job's roles
  std::string name;
  int64_t tasks = 1;
  int64_t tasks_per_node = 1;
  int64_t nodes = 1;
  int64_t cpus_per_task = 1;
  int64_t memory_mib_per_node = 0;  // 0: not asked for
  int64_t gpus_per_task = 0;
  bool driver = true;
};

struct Allocation {
  int64_t nodes = 1;
  int64_t cpus_per_node = 1;
  int64_t memory_mib_per_node = 0;  // 0: not asked for
  int64_t gpus_per_node = 0;
  std::vector<RoleStep> steps;  // one per role, in the job's order
};

// Plans the job. Throws sdk::Error(INVALID_ARGUMENT) with the first problem allocation_problems finds.
Allocation plan_allocation(const sdk::Job& job);

// What makes a job impossible to place as above, as (key path, message) pairs; empty when it fits.
std::vector<std::pair<std::string, std::string>> allocation_problems(const sdk::Job& job);

// Roles whose CPU count is not whole, as (key path, message) pairs: Slurm allocates whole CPUs.
std::vector<std::pair<std::string, std::string>> fractional_cpu_notes(const sdk::Job& job);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_ALLOCATION_HPP_
