#include "allocation.hpp"

#include <dlaunch/key_path.hpp>

#include <cmath>

namespace dlaunch::slurm {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

sdk::KeyPath role_path(size_t index) { return sdk::KeyPath("roles").element(index); }

int64_t whole_cpus(double cpu) { return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(cpu))); }

}  // namespace

std::vector<std::pair<std::string, std::string>> allocation_problems(const sdk::Job& job) {
  std::vector<std::pair<std::string, std::string>> problems;
  // The host guarantees replicas is a multiple of per_node (plugin.h); the node count is Slurm's own fact.
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const auto& role = job.roles[i];
    int64_t nodes = role.replicas / role.per_node;
    if (nodes > job.node_num) {
      problems.emplace_back(role_path(i).member("replicas"),
                            "role '" + role.name + "' needs " + std::to_string(nodes) + " nodes (" +
                                std::to_string(role.replicas) + " replicas, " + std::to_string(role.per_node) +
                                " per node) but the job has node_num = " + std::to_string(job.node_num));
    }
  }
  return problems;
}

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

Allocation plan_allocation(const sdk::Job& job) {
  if (auto problems = allocation_problems(job); !problems.empty()) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, problems.front().first + ": " + problems.front().second);
  }
  Allocation allocation;
  allocation.nodes = job.node_num;
  allocation.cpus_per_node = 0;
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const auto& role = job.roles[i];
    RoleStep step;
    step.index = i;
    step.name = role.name;
    step.tasks = role.replicas;
    step.tasks_per_node = role.per_node;
    step.nodes = role.replicas / role.per_node;
    step.cpus_per_task = whole_cpus(role.resources.cpu);
    int64_t memory_mib = (role.resources.memory_bytes + kMiB - 1) / kMiB;
    step.memory_mib_per_node = memory_mib * role.per_node;
    step.gpus_per_task = role.resources.gpu;
    step.driver = role.driver;
    allocation.cpus_per_node += step.cpus_per_task * step.tasks_per_node;
    allocation.memory_mib_per_node += step.memory_mib_per_node;
    allocation.gpus_per_node += step.gpus_per_task * step.tasks_per_node;
    allocation.steps.push_back(std::move(step));
  }
  return allocation;
}

}  // namespace dlaunch::slurm
