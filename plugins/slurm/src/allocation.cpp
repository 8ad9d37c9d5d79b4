#include "allocation.hpp"

#include <dlaunch/key_path.hpp>
#include <dlaunch/node_groups.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace dlaunch::slurm {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

sdk::KeyPath role_path(size_t index) { return sdk::KeyPath("roles").element(index); }

int64_t whole_cpus(double cpu) { return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(cpu))); }

// Each task's node and the variables that follow from it; the role's nodes in the order its ranks reach
// them, so that rank 0 is on NODE_RANK 0 (torchrun's static rendezvous needs that).
void place_tasks(const sdk::NodeGroups& layout, RoleStep& step) {
  std::map<int64_t, int64_t> node_rank_of;   // allocation node -> NODE_RANK
  std::map<int64_t, int64_t> tasks_on;       // allocation node -> tasks so far
  for (int64_t rank = 0; rank < step.tasks; ++rank) {
    TaskPlace place;
    place.job_node = layout.node_of(step.index, rank);
    auto [it, added] = node_rank_of.emplace(place.job_node, static_cast<int64_t>(node_rank_of.size()));
    if (added) step.node_hosts.push_back(place.job_node);
    place.node_rank = it->second;
    place.local_rank = tasks_on[place.job_node]++;
    place.local_world_size = layout.replicas_on(step.index, place.job_node);
    step.places.push_back(place);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> fractional_cpu_notes(const sdk::Job& job) {
  std::vector<std::pair<std::string, std::string>> notes;
  for (size_t i = 0; i < job.roles.size(); ++i) {
    double cpu = job.roles[i].resources.cpu;
    if (cpu != std::floor(cpu) || cpu < 1) {
      notes.emplace_back(role_path(i).member("resources").member("cpu"),
                         "Slurm allocates whole CPUs: each replica gets " + std::to_string(whole_cpus(cpu)));
    }
  }
  return notes;
}

namespace {

// Each role's step on the job as laid out (node_num nodes, each role's replicas as they run there).
std::vector<RoleStep> plan_steps(const sdk::Job& job, const sdk::NodeGroups& layout) {
  std::vector<RoleStep> steps;
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const auto& role = job.roles[i];
    RoleStep step;
    step.index = i;
    step.name = role.name;
    step.tasks = role.replicas;
    step.cpus_per_task = whole_cpus(role.resources.cpu);
    step.gpus_per_task = role.resources.gpu;
    step.driver = role.driver;
    place_tasks(layout, step);
    int64_t most_on_a_node = 0;
    for (int64_t node = 0; node < layout.nodes(); ++node) {
      most_on_a_node = std::max(most_on_a_node, layout.replicas_on(i, node));
    }
    // srun's --mem is per node: the node with the most of the role's replicas sets it.
    step.memory_mib_per_node = (role.resources.memory_bytes + kMiB - 1) / kMiB * most_on_a_node;
    steps.push_back(std::move(step));
  }
  return steps;
}

// What each node needs, as the sum over the steps on it in Slurm's units (whole CPUs, each step's --mem),
// raises what the allocation asks every node for to the most any node needs.
void ask_for_the_most_loaded_node(const sdk::NodeGroups& layout, const std::vector<RoleStep>& steps,
                                  Allocation& allocation) {
  for (int64_t node = 0; node < layout.nodes(); ++node) {
    int64_t cpus = 0, memory = 0, gpus = 0;
    for (const auto& step : steps) {
      const int64_t tasks = layout.replicas_on(step.index, node);
      if (tasks == 0) continue;
      cpus += tasks * step.cpus_per_task;
      gpus += tasks * step.gpus_per_task;
      memory += step.memory_mib_per_node;
    }
    allocation.cpus_per_node = std::max(allocation.cpus_per_node, cpus);
    allocation.memory_mib_per_node = std::max(allocation.memory_mib_per_node, memory);
    allocation.gpus_per_node = std::max(allocation.gpus_per_node, gpus);
  }
}

}  // namespace

Allocation plan_allocation(const sdk::Job& job) {
  Allocation allocation;
  allocation.nodes = std::max<int64_t>(1, job.node_num);
  allocation.min_nodes = sdk::fewest_nodes(job);
  allocation.cpus_per_node = 1;
  // Every node count Slurm may give: each node is asked for the most any of them needs.
  for (int64_t nodes = allocation.min_nodes; nodes <= allocation.nodes; ++nodes) {
    const sdk::Job shaped = sdk::on_nodes(job, nodes);
    const sdk::NodeGroups layout(shaped);
    std::vector<RoleStep> steps = plan_steps(shaped, layout);
    ask_for_the_most_loaded_node(layout, steps, allocation);
    if (nodes == allocation.nodes) {
      allocation.steps = std::move(steps);
    } else {
      allocation.on_fewer_nodes[nodes] = std::move(steps);
    }
  }
  return allocation;
}

}  // namespace dlaunch::slurm
