// What `per_node` means, on every platform: how a job's replicas are laid out on its node_num nodes.
// Header-only, so every plugin computes the same layout (docs/job-spec.md#nodes-and-per_node).
//
//   1. A role's replicas form groups of per_node consecutive ranks: group g holds ranks g*per_node to
//      (g+1)*per_node - 1. A group is placed whole on one node; it is "the role's node g" (NODE_RANK).
//   2. The job's groups, role by role in the spec's order and each role's in rank order, are dealt onto the
//      job's node_num nodes in turn: the job's k-th group goes on node k mod node_num. So roles spread over
//      the nodes, a role's groups are on different nodes while it has no more groups than there are nodes,
//      and groups share a node (of one role or several) only when there are more groups than nodes.
//   3. A node carries the sum of its groups; every node is asked for what the most loaded one carries
//      (most_on_a_node), since platforms allocate nodes alike.
//   4. Colocated roles (job.colocations) count once: their groups are dealt as the first of them in the
//      job's order, and group g of each is on the node of that role's group g. A colocated set of replicas
//      (replica i of each role) needs the sum of their devices; shares of one device (gpu_share) of one
//      role or one colocation fill a device with as many as fit whole: n of share s need
//      ceil(n / floor(1 / s)) devices.
// No node count is ever refused for its own sake: a platform that cannot share a node between groups says
// so as a fact of that platform.
//
// Elastic roles (min_replicas < replicas) let a job start on fewer nodes (fewest_nodes): on n nodes, each role
// runs its groups less the nodes missing, but never fewer than its min_replicas (on_nodes); the layout is
// then the same rule on n nodes.
#ifndef DLAUNCH_NODE_GROUPS_HPP_
#define DLAUNCH_NODE_GROUPS_HPP_

#include <dlaunch/job_document.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace dlaunch::sdk {

// What a node carries: the sums over the replicas placed on it.
struct NodeLoad {
  double cpu = 0;
  int64_t gpu = 0;
  int64_t memory_bytes = 0;
};

class NodeGroups {
 public:
  // The job as the host checked it: replicas a multiple of per_node, counts at least 1.
  // Colocated roles have the same replicas and per_node.
  explicit NodeGroups(const Job& job) : nodes_(std::max<int64_t>(1, job.node_num)) {
    int64_t first = 0;
    for (size_t i = 0; i < job.roles.size(); ++i) {
      const Role& role = job.roles[i];
      const int64_t per_node = std::max<int64_t>(1, role.per_node);
      const size_t lead = colocation_lead(job, i);
      const int64_t start = lead < i ? roles_[lead].first : first;
      roles_.push_back({start, role.replicas / per_node, per_node, role.resources, lead});
      if (lead == i) first += roles_.back().groups;
    }
  }

  int64_t nodes() const { return nodes_; }
  // The role's groups: its nodes in dlaunch's model (torchrun's --nnodes).
  int64_t groups(size_t role) const { return roles_.at(role).groups; }
  // The job node (0 to nodes()-1) that group `group` of role `role` is on.
  int64_t node_of_group(size_t role, int64_t group) const { return (roles_.at(role).first + group) % nodes_; }
  // The job node replica `rank` of the role is on.
  int64_t node_of(size_t role, int64_t rank) const { return node_of_group(role, rank / roles_.at(role).per_node); }
  // How many replicas of the role the node carries.
  int64_t replicas_on(size_t role, int64_t node) const {
    int64_t count = 0;
    for (int64_t group = 0; group < groups(role); ++group) {
      if (node_of_group(role, group) == node) count += roles_.at(role).per_node;
    }
    return count;
  }
  // Whether two groups of the role share a node (more groups than nodes): its LOCAL_RANK then counts the
  // role's replicas on the node, beyond per_node.
  bool shares_nodes(size_t role) const { return groups(role) > nodes_; }

  NodeLoad load(int64_t node) const {
    NodeLoad load;
    for (size_t role = 0; role < roles_.size(); ++role) {
      const int64_t replicas = replicas_on(role, node);
      load.cpu += static_cast<double>(replicas) * roles_[role].resources.cpu;
      load.memory_bytes += replicas * roles_[role].resources.memory_bytes;
      if (roles_[role].lead != role) continue;  // its colocation's devices are counted at its first role
      int64_t whole = 0;
      double share = 0;
      for (const RoleGroups& member : roles_) {
        if (member.lead != role) continue;
        whole += member.resources.gpu;
        share += member.resources.gpu_share;
      }
      load.gpu += replicas * whole + devices_for_shares(replicas, share);
    }
    return load;
  }
  // Each resource's most over the nodes: what every node is asked for.
  NodeLoad most_on_a_node() const {
    NodeLoad most;
    for (int64_t node = 0; node < nodes_; ++node) {
      const NodeLoad l = load(node);
      most.cpu = std::max(most.cpu, l.cpu);
      most.gpu = std::max(most.gpu, l.gpu);
      most.memory_bytes = std::max(most.memory_bytes, l.memory_bytes);
    }
    return most;
  }

 private:
  struct RoleGroups {
    int64_t first;  // the job-wide index of the role's group 0
    int64_t groups;
    int64_t per_node;
    Resources resources;
    size_t lead;  // the first role of its colocation; itself when it has none
  };

  // The index of the first role listed in role `i`'s colocation, or `i`.
  static size_t colocation_lead(const Job& job, size_t i) {
    for (const Colocation& colocation : job.colocations) {
      if (std::find(colocation.roles.begin(), colocation.roles.end(), job.roles[i].name) == colocation.roles.end()) {
        continue;
      }
      for (size_t j = 0; j < i; ++j) {
        if (std::find(colocation.roles.begin(), colocation.roles.end(), job.roles[j].name) != colocation.roles.end()) {
          return j;
        }
      }
    }
    return i;
  }

  // Devices for `sets` replicas (or colocated sets) each asking for `share` of one device (0 when none).
  static int64_t devices_for_shares(int64_t sets, double share) {
    if (sets == 0 || share <= 0) return 0;
    // The tolerance keeps 1 / 0.2 (4.999...) from counting 4 shares to a device.
    const auto per_device = std::max<int64_t>(1, static_cast<int64_t>(std::floor(1.0 / share + 1e-9)));
    return (sets + per_device - 1) / per_device;
  }

  int64_t nodes_;
  std::vector<RoleGroups> roles_;
};

// A role's min_replicas; a job built by hand may leave it at kAllReplicas, which means its replicas.
inline int64_t fewest_replicas(const Role& role) {
  return role.min_replicas == detail::kAllReplicas ? role.replicas : role.min_replicas;
}

// The fewest nodes the job may start on: node_num less the most groups a role may go without (node_num when
// no role is elastic); below it no role could shed another group.
inline int64_t fewest_nodes(const Job& job) {
  int64_t most_spare = 0;
  for (const Role& role : job.roles) {
    const int64_t per_node = std::max<int64_t>(1, role.per_node);
    most_spare = std::max(most_spare, (role.replicas - fewest_replicas(role)) / per_node);
  }
  return std::max<int64_t>(1, job.node_num - most_spare);
}

// The job as it runs on `nodes` nodes (fewest_nodes(job) to node_num): node_num = nodes, and each role's
// replicas its groups less the nodes missing, at least its min_replicas. min_replicas stays.
inline Job on_nodes(const Job& job, int64_t nodes) {
  Job shrunk = job;
  shrunk.node_num = nodes;
  const int64_t missing = std::max<int64_t>(0, job.node_num - nodes);
  for (Role& role : shrunk.roles) {
    const int64_t per_node = std::max<int64_t>(1, role.per_node);
    role.replicas = std::max(fewest_replicas(role), role.replicas - missing * per_node);
  }
  return shrunk;
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_NODE_GROUPS_HPP_
