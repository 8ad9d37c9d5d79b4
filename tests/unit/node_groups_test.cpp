// The layout every platform gives per_node (dlaunch/node_groups.hpp, docs/job-spec.md#nodes-and-per_node).
#include <dlaunch/node_groups.hpp>
#include <gtest/gtest.h>

namespace dlaunch::sdk {
namespace {

Role role(int64_t replicas, int64_t per_node, int64_t gpu = 0, double cpu = 1) {
  Role r;
  r.replicas = replicas;
  r.per_node = per_node;
  r.resources.gpu = gpu;
  r.resources.cpu = cpu;
  return r;
}

Job job_of(int64_t node_num, std::vector<Role> roles) {
  Job job;
  job.node_num = node_num;
  job.roles = std::move(roles);
  return job;
}

TEST(NodeGroups, ARolesGroupsAreOnDifferentNodes) {
  NodeGroups layout(job_of(2, {role(4, 2)}));
  EXPECT_EQ(layout.groups(0), 2);
  EXPECT_EQ(layout.node_of(0, 0), 0);
  EXPECT_EQ(layout.node_of(0, 1), 0);
  EXPECT_EQ(layout.node_of(0, 2), 1);
  EXPECT_EQ(layout.node_of(0, 3), 1);
  EXPECT_EQ(layout.replicas_on(0, 0), 2);
  EXPECT_FALSE(layout.shares_nodes(0));
}

// The case: two 4-GPU roles on two 8-GPU nodes ask each node for 4 GPUs, not the sum, 8.
TEST(NodeGroups, RolesSpreadOverTheNodesAndEachNodeIsAskedForTheMostLoadedOne) {
  NodeGroups layout(job_of(2, {role(4, 4, 1), role(4, 4, 1)}));
  EXPECT_EQ(layout.node_of(0, 0), 0);
  EXPECT_EQ(layout.node_of(1, 0), 1);
  EXPECT_EQ(layout.most_on_a_node().gpu, 4);
  EXPECT_EQ(layout.load(0).cpu, 4);
}

TEST(NodeGroups, GroupsAreDealtInTurnAndShareANodeOnlyWhenThereAreMoreGroupsThanNodes) {
  // Groups k = 0 (a), 1, 2 (b), 3 (c): nodes 0, 1, 0, 1.
  NodeGroups layout(job_of(2, {role(1, 1, 2), role(2, 1, 1), role(1, 1, 4)}));
  EXPECT_EQ(layout.node_of(0, 0), 0);
  EXPECT_EQ(layout.node_of(1, 0), 1);
  EXPECT_EQ(layout.node_of(1, 1), 0);
  EXPECT_EQ(layout.node_of(2, 0), 1);
  EXPECT_EQ(layout.load(0).gpu, 2 + 1);
  EXPECT_EQ(layout.load(1).gpu, 1 + 4);
  EXPECT_EQ(layout.most_on_a_node().gpu, 5);
  // One node: every group on it, and the node carries the sum.
  NodeGroups one(job_of(1, {role(2, 1, 1), role(1, 1, 1)}));
  EXPECT_TRUE(one.shares_nodes(0));
  EXPECT_EQ(one.replicas_on(0, 0), 2);
  EXPECT_EQ(one.most_on_a_node().gpu, 3);
}

TEST(NodeGroups, EachResourceIsItsOwnMost) {
  NodeGroups layout(job_of(2, {role(1, 1, 8, 1), role(1, 1, 0, 16)}));
  NodeLoad most = layout.most_on_a_node();
  EXPECT_EQ(most.gpu, 8);
  EXPECT_EQ(most.cpu, 16);
}

// Elastic roles let the job start on fewer nodes: each role sheds the nodes missing, down to its minimum.
TEST(NodeGroups, AnElasticJobRunsOnFewerNodesWithEachRoleAtLeastItsMinimum) {
  Role workers = role(4, 1);
  workers.min_replicas = 2;
  Role trainer = role(1, 1);
  Job job = job_of(4, {workers, trainer});
  EXPECT_EQ(fewest_nodes(job), 2);
  Job on_three = on_nodes(job, 3);
  EXPECT_EQ(on_three.node_num, 3);
  EXPECT_EQ(on_three.roles[0].replicas, 3);
  EXPECT_EQ(on_three.roles[1].replicas, 1) << "a role that is not elastic keeps its replicas";
  EXPECT_EQ(on_nodes(job, 2).roles[0].replicas, 2);
  EXPECT_EQ(on_nodes(job, 4).roles[0].replicas, 4);
  // No elastic role: node_num nodes, no fewer.
  EXPECT_EQ(fewest_nodes(job_of(3, {role(3, 1)})), 3);
  // Groups of per_node: the role sheds whole groups.
  Role grouped = role(8, 2);
  grouped.min_replicas = 4;
  Job by_twos = job_of(4, {grouped});
  EXPECT_EQ(fewest_nodes(by_twos), 2);
  EXPECT_EQ(on_nodes(by_twos, 3).roles[0].replicas, 6);
}

}  // namespace
}  // namespace dlaunch::sdk
