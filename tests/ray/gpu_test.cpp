// GPU visibility on the real Ray cluster of the RayCluster fixture, whose head node advertises 4 fake GPUs
// (scripts/ray-cluster.sh: `ray start --num-gpus`; Ray hands out their ids as it would real ones). The rule
// of docs/ray.md#gpu-visibility: device LOCAL_RANK of what a process sees is a GPU of its own, so
// `torch.cuda.set_device(LOCAL_RANK)` works; with shares of a GPU, colocated replicas see the same device
// (docs/job-spec.md#fractional-gpus-and-colocations). One short job each: about 10 s of CI.
#include "cli_test_fixture.hpp"
#include "text_checks.hpp"

#include <map>
#include <set>
#include <sstream>

namespace dlaunch::ray_test {
namespace {

using RayGpu = CliTest;

const char* const kReport = "echo \"$DLAUNCH_ROLE/$RANK local=$LOCAL_RANK node=$NODE_RANK devices=$CUDA_VISIBLE_DEVICES\"";

struct Seen {
  int local_rank = -1;
  int node_rank = -1;
  std::vector<std::string> devices;  // CUDA_VISIBLE_DEVICES, split
};

// Each replica's line of kReport in a log, by "w/3": "[w/3] w/3 local=..." from the gang driver, "w/0
// local=..." from a one-replica job, whose lines Ray relays as they are.
std::map<std::string, Seen> seen_by_replica(const std::string& log) {
  std::map<std::string, Seen> seen;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("[") && line.find("] ") != std::string::npos) line = line.substr(line.find("] ") + 2);
    if (line.find(" local=") == std::string::npos) continue;
    std::istringstream words(line);
    std::string label, local, node, devices;
    words >> label >> local >> node >> devices;
    Seen s;
    s.local_rank = std::stoi(local.substr(local.find('=') + 1));
    s.node_rank = std::stoi(node.substr(node.find('=') + 1));
    std::istringstream ids(devices.substr(devices.find('=') + 1));
    for (std::string id; std::getline(ids, id, ',');) s.devices.push_back(id);
    seen[label] = s;
  }
  return seen;
}

TEST_F(RayGpu, LocalRankIndexesAGpuOfTheReplicasOwnAmongThoseItSees) {
  // Two node groups of two replicas with a GPU each: all 4 of the cluster's GPUs.
  JobSpec spec = job("gpus", "");
  spec.roles = {RoleSpec{"w", kReport, 4, 2, 0.5, {}, true, 1}};
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const auto seen = seen_by_replica(result.out);
  ASSERT_EQ(seen.size(), 4u) << result.out;
  std::set<std::string> used;  // device LOCAL_RANK of each replica
  for (const auto& [label, s] : seen) {
    // Every replica of a node group sees the group's two GPUs, in the same order...
    ASSERT_EQ(s.devices.size(), 2u) << label << "\n" << result.out;
    const Seen& first_of_group = seen.at("w/" + std::to_string(2 * s.node_rank));
    EXPECT_EQ(s.devices, first_of_group.devices) << label << "\n" << result.out;
    // ...and device LOCAL_RANK among them is a GPU no other replica takes.
    ASSERT_LT(s.local_rank, 2) << label << "\n" << result.out;
    EXPECT_TRUE(used.insert(s.devices[s.local_rank]).second) << label << " shares a GPU\n" << result.out;
  }
  EXPECT_EQ(used, (std::set<std::string>{"0", "1", "2", "3"})) << result.out;

  // A one-replica job runs without the gang driver, as Ray's job entrypoint: it sees its own GPUs only, and
  // LOCAL_RANK 0 is the first of them.
  JobSpec single = job("gpus-one", "");
  single.roles = {RoleSpec{"w", kReport, 1, 1, 0.5, {}, true, 2}};
  auto direct = dlaunch({"run", write_spec(single), "-p", "ray", "--follow"});
  ASSERT_EQ(direct.exit_code, 0) << direct.out << direct.err;
  const auto alone = seen_by_replica(direct.out);
  ASSERT_EQ(alone.count("w/0"), 1u) << direct.out;
  EXPECT_EQ(alone.at("w/0").local_rank, 0) << direct.out;
  EXPECT_EQ(alone.at("w/0").devices.size(), 2u) << direct.out;
}

// Two roles with half a GPU each, colocated: replica i of each shares one device, and sees it alone at
// LOCAL_RANK 0; the two sets have devices of their own. A role with a quarter GPU, alone, runs too.
TEST_F(RayGpu, ColocatedSharesOfAGpuSeeTheSameDevice) {
  JobSpec spec = job("shares", "");
  spec.roles = {RoleSpec{"actor", kReport, 2, 1, 0.25, {}, true, 0.5},
                RoleSpec{"critic", kReport, 2, 1, 0.25, {}, true, 0.5},
                RoleSpec{"reward", kReport, 1, 1, 0.25, {}, true, 0.25}};
  spec.colocations = {{"actor", "critic"}};
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const auto seen = seen_by_replica(result.out);
  ASSERT_EQ(seen.size(), 5u) << result.out;
  for (const auto& [label, s] : seen) {
    EXPECT_EQ(s.local_rank, 0) << label << "\n" << result.out;
    EXPECT_EQ(s.devices.size(), 1u) << label << "\n" << result.out;
  }
  for (const char* rank : {"0", "1"}) {
    EXPECT_EQ(seen.at(std::string("actor/") + rank).devices, seen.at(std::string("critic/") + rank).devices)
        << rank << "\n" << result.out;
  }
  EXPECT_NE(seen.at("actor/0").devices, seen.at("actor/1").devices) << result.out;
}

}  // namespace
}  // namespace dlaunch::ray_test
