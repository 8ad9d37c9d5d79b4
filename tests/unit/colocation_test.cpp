// Shares of a GPU and [[colocations]] (job document version 3): how a spec writes them, every rule with its
// located diagnostic, how the document carries them, and the GPU arithmetic of dlaunch/node_groups.hpp.
#include <dlaunch/core/job_document.hpp>
#include <dlaunch/core/validation.hpp>
#include <dlaunch/job_document.hpp>
#include <dlaunch/node_groups.hpp>
#include <gtest/gtest.h>

#include "support/process.hpp"
#include "support/validation_asserts.hpp"

namespace dlaunch {
namespace {

using test::dump;
using test::only_error;

// A trainer, an actor (its lines from line 10) and a critic, each of the two taking `*_lines` after its
// entrypoint; `tail` after them (a one-line actor puts tail's first key on line 18).
std::string spec(const std::string& actor_lines, const std::string& critic_lines, const std::string& tail = "") {
  return "device_per_node = 4\n\n[[roles]]\nname = \"trainer\"\nentrypoint = \"train\"\n\n"
         "[[roles]]\nname = \"actor\"\nentrypoint = \"act\"\n" + actor_lines + "\n\n"
         "[[roles]]\nname = \"critic\"\nentrypoint = \"judge\"\n" + critic_lines + "\n" + tail;
}

using ColocationTest = test::SpecFileTest;

constexpr const char* kColocated = "\n[[colocations]]\nroles = [\"actor\", \"critic\"]\n";

TEST_F(ColocationTest, SharesAndColocationsTravelAsVersion3) {
  auto c = validate(spec("replicas = 2\nresources = { gpu = 0.5 }", "replicas = 2\nresources = { gpu = 0.5 }",
                         kColocated));
  ASSERT_TRUE(c.diagnostics.empty()) << dump(c);
  const std::string json = job_document(*c.job, "{}");
  sdk::Job job = sdk::parse_job(json);
  EXPECT_EQ(job.schema_version, 3) << json;
  EXPECT_EQ(job.roles[1].resources.gpu, 0) << "a share never reaches a reader of gpu as an integer";
  EXPECT_DOUBLE_EQ(job.roles[1].resources.gpu_share, 0.5);
  ASSERT_EQ(job.colocations.size(), 1u);
  EXPECT_EQ(job.colocations[0].roles, (std::vector<std::string>{"actor", "critic"}));
  std::vector<std::string> used;
  for (const auto& f : sdk::fields_in_use(job)) used.push_back(f.path + "=" + f.field);
  EXPECT_EQ(used, (std::vector<std::string>{"colocations=colocations",
                                            "roles[1].resources.gpu=roles.resources.gpu_share",
                                            "roles[2].resources.gpu=roles.resources.gpu_share"}));
  EXPECT_EQ(sdk::write_job(job), json) << "the SDK reads back what the host wrote";
}

TEST_F(ColocationTest, WholeGpusWrittenAsFloatsKeepVersion1) {
  auto c = validate(spec("resources = { gpu = 2.0 }", ""));
  ASSERT_TRUE(c.diagnostics.empty()) << dump(c);
  sdk::Job job = sdk::parse_job(job_document(*c.job, "{}"));
  EXPECT_EQ(job.schema_version, 1);
  EXPECT_EQ(job.roles[1].resources.gpu, 2);
}

TEST_F(ColocationTest, AFractionAboveOneIsNeitherWholeNorAShare) {
  auto c = validate(spec("resources = { gpu = 1.5 }", ""));
  auto d = only_error(c, "roles[1].resources.gpu", 10);
  EXPECT_EQ(d.message, "gpu 1.5 is neither whole devices nor a share of one device");
  EXPECT_EQ(d.hint, "ask for whole GPUs (gpu = 2) or a share of one below 1 (gpu = 0.5)");
}

TEST_F(ColocationTest, AShareIsOneReplicaPerGroup) {
  auto c = validate(spec("replicas = 2\nper_node = 2\nresources = { gpu = 0.4 }", ""));
  auto d = only_error(c, "roles[1].per_node", 11);
  EXPECT_NE(d.message.find("per_node must be 1, got 2"), std::string::npos) << d.message;
}

TEST_F(ColocationTest, ColocatedRolesHaveTheSameReplicas) {
  auto c = validate(spec("replicas = 2", "replicas = 3", kColocated));
  auto d = only_error(c, "colocations[0].roles[1]", 18);
  EXPECT_EQ(d.message,
            "role 'critic' has replicas 3, min_replicas 3 and per_node 1, but 'actor', colocated with it, has 2, 2 and 1");
}

TEST_F(ColocationTest, ColocatedRolesHaveTheSamePerNode) {
  auto c = validate(spec("replicas = 2\nper_node = 2", "replicas = 2", kColocated));
  EXPECT_NE(only_error(c, "colocations[0].roles[1]", 19).message.find("per_node 1, but 'actor'"), std::string::npos);
}

TEST_F(ColocationTest, AnUnknownRoleGetsDidYouMean) {
  auto c = validate(spec("", "", "\n[[colocations]]\nroles = [\"actor\", \"critc\"]\n"));
  auto d = only_error(c, "colocations[0].roles[1]", 18);
  EXPECT_EQ(d.message, "no role is named 'critc'");
  EXPECT_EQ(d.hint, "did you mean 'critic'?");
}

TEST_F(ColocationTest, ARoleIsInOneColocationAtMost) {
  auto c = validate(spec("", "", std::string(kColocated) + "\n[[colocations]]\nroles = [\"trainer\", \"critic\"]\n"));
  auto d = only_error(c, "colocations[1].roles[1]", 21);
  EXPECT_EQ(d.message, "role 'critic' is already in colocations[0]");
}

TEST_F(ColocationTest, AColocationHasTwoRolesOrMore) {
  auto c = validate(spec("", "", "\n[[colocations]]\nroles = [\"actor\"]\n"));
  EXPECT_EQ(only_error(c, "colocations[0].roles", 18).message, "a colocation places two roles or more together, got 1");
}

TEST_F(ColocationTest, ColocatedSharesFitOneDevice) {
  auto c = validate(spec("resources = { gpu = 0.6 }", "resources = { gpu = 0.6 }", kColocated));
  EXPECT_EQ(only_error(c, "colocations[0].roles", 18).message,
            "colocated replicas with shares of a GPU share one device, but their gpu add up to 1.2");
}

TEST_F(ColocationTest, UnknownKeysInAColocationAreLocated) {
  auto c = validate(spec("", "", "\n[[colocations]]\nroles = [\"actor\", \"critic\"]\nrole = [\"x\"]\n"));
  auto d = only_error(c, "colocations[0].role", 19);
  EXPECT_EQ(d.hint, "did you mean 'roles'?");
}

// Colocated replicas count once: 4 sets of 0.5 + 0.5 need 4 devices, not 8; a share of 0.4 packs 2 to a device.
TEST_F(ColocationTest, TheMostLoadedNodeCountsColocatedSetsOnceAndPacksShares) {
  auto fits = validate(spec("replicas = 4\nresources = { gpu = 0.5 }", "replicas = 4\nresources = { gpu = 0.5 }",
                            kColocated));
  EXPECT_TRUE(fits.diagnostics.empty()) << dump(fits);
  auto too_many = validate(spec("replicas = 4\nresources = { gpu = 0.5 }", "replicas = 3\nresources = { gpu = 1 }"));
  auto d = only_error(too_many, "device_per_node", 1);
  EXPECT_NE(d.message.find("put 5 GPUs on the job's one node, but device_per_node is 4"), std::string::npos) << d.message;

  sdk::Job job;
  job.node_num = 1;
  for (const char* name : {"a", "b", "c"}) {
    sdk::Role& r = job.roles.emplace_back();
    r.name = name;
    r.replicas = 4;
    r.resources.gpu_share = 0.4;
  }
  EXPECT_EQ(sdk::NodeGroups(job).most_on_a_node().gpu, 6) << "three roles of 4 × 0.4, two shares to a device";
  job.colocations.push_back({{"a", "b"}});
  EXPECT_EQ(sdk::NodeGroups(job).most_on_a_node().gpu, 6) << "4 sets of 0.8 (4 devices) and 4 × 0.4 (2)";
}

// The groups of colocated roles are dealt once: on 3 nodes, a (2 groups) and b with it take nodes 0 and 1,
// then c's one group goes on node 2 (without the colocation b's would take nodes 2 and 0, and c's node 1).
TEST_F(ColocationTest, ColocatedGroupsAreDealtOnce) {
  sdk::Job job;
  job.node_num = 3;
  for (const auto& [name, replicas] : {std::pair{"a", 2}, std::pair{"b", 2}, std::pair{"c", 1}}) {
    sdk::Role& r = job.roles.emplace_back();
    r.name = name;
    r.replicas = replicas;
  }
  job.colocations.push_back({{"b", "a"}});
  sdk::NodeGroups groups(job);
  EXPECT_EQ(groups.node_of(1, 0), groups.node_of(0, 0));
  EXPECT_EQ(groups.node_of(1, 1), groups.node_of(0, 1));
  EXPECT_EQ(groups.node_of(2, 0), 2);
}

// A plugin built against this SDK that does not list them refuses both at the spec's keys.
TEST_F(ColocationTest, APluginThatDoesNotHonourThemRefusesThemAtTheSpecsKeys) {
  auto c = validate(spec("resources = { gpu = 0.5 }", "resources = { gpu = 0.5 }", kColocated));
  ASSERT_TRUE(c.diagnostics.empty()) << dump(c);
  sdk::Job job = sdk::parse_job(job_document(*c.job, "{}"));
  std::vector<std::string> reports;
  dlaunch_diagnostic_sink sink{DLAUNCH_DIAGNOSTIC_SINK_SIZE_1_0, &reports,
                               [](void* context, int32_t, const char* path, const char* message, const char*) {
                                 static_cast<std::vector<std::string>*>(context)->push_back(std::string(path) + ": " +
                                                                                            message);
                               }};
  sdk::refuse_fields_not_honoured(job, "example", {}, {{"colocations", "its replicas never share a node"}},
                                  sdk::DiagnosticsOut(&sink));
  EXPECT_EQ(reports, (std::vector<std::string>{
                         "colocations: the example platform cannot honour colocations: its replicas never share a node",
                         "roles[1].resources.gpu: the example platform cannot honour a share of a GPU: the example "
                         "plugin does not implement it yet",
                         "roles[2].resources.gpu: the example platform cannot honour a share of a GPU: the example "
                         "plugin does not implement it yet"}));
}

}  // namespace
}  // namespace dlaunch
