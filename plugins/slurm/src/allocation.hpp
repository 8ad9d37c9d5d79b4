// How a dlaunch job maps onto Slurm: ONE job (allocation) in which each role runs as one `srun` step, all
// steps at once. (Not a heterogeneous job: Slurm schedules those only from its backfill loop, tens of
// seconds apart, and Slurm 22.05 kept a two-component one pending on a single idle node; see docs/slurm.md.)
//
// Where each replica runs is the layout every platform uses (dlaunch/node_groups.hpp): a role's groups of
// per_node replicas are dealt onto the job's node_num nodes. Each role's step: replicas -> tasks, laid out
// on the job's nodes task by task (srun's arbitrary distribution), cpu -> CPUs per task (whole CPUs),
// memory -> memory per node (the most replicas of the role any node carries x the replica's memory, MiB),
// gpu -> GPUs per task. The allocation: node_num nodes, each with what the most loaded node needs; with
// elastic roles, from fewest_nodes to node_num nodes, and a plan of the steps for each count.
#ifndef DLAUNCH_SLURM_ALLOCATION_HPP_
#define DLAUNCH_SLURM_ALLOCATION_HPP_

#include <dlaunch/job_document.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch::slurm {

// Where one task (replica) of a role runs, and the variables that follow from it.
struct TaskPlace {
  int64_t job_node = 0;          // the allocation's node, 0 to node_num-1
  int64_t node_rank = 0;         // NODE_RANK: its node among the role's nodes
  int64_t local_rank = 0;        // LOCAL_RANK: among the role's replicas on that node
  int64_t local_world_size = 1;  // LOCAL_WORLD_SIZE: the role's replicas on that node
};

struct RoleStep {
  size_t index = 0;  // position in the job's roles
  std::string name;
  int64_t tasks = 1;
  int64_t cpus_per_task = 1;
  int64_t memory_mib_per_node = 0;  // 0: not asked for
  int64_t gpus_per_task = 0;
  bool driver = true;
  std::vector<TaskPlace> places;      // by rank
  std::vector<int64_t> node_hosts;    // the role's nodes by NODE_RANK, as allocation node indexes
};

struct Allocation {
  int64_t min_nodes = 1;  // below nodes when a role is elastic (min_replicas): Slurm's --nodes=min-max
  int64_t nodes = 1;
  int64_t cpus_per_node = 1;
  int64_t memory_mib_per_node = 0;  // 0: not asked for
  int64_t gpus_per_node = 0;
  std::vector<RoleStep> steps;  // one per role, in the job's order, on `nodes` nodes
  // The steps on each node count from min_nodes to nodes - 1: the elastic roles run fewer replicas there.
  std::map<int64_t, std::vector<RoleStep>> on_fewer_nodes;
};

// Plans the job (as the host checked it: replicas a multiple of per_node).
Allocation plan_allocation(const sdk::Job& job);

// Roles whose CPU count is not whole, as (key path, message) pairs: Slurm allocates whole CPUs.
std::vector<std::pair<std::string, std::string>> fractional_cpu_notes(const sdk::Job& job);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_ALLOCATION_HPP_
