// Shared setup of the plugin-level tests: the loaded plugin, the cluster, unique submission ids.
#ifndef DLAUNCH_TESTS_RAY_PLUGIN_TEST_FIXTURE_HPP_
#define DLAUNCH_TESTS_RAY_PLUGIN_TEST_FIXTURE_HPP_

#include "job_spec.hpp"
#include "loaded_plugin.hpp"
#include "ray_cluster.hpp"
#include "text_checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace dlaunch::ray_test {

// A submission id no other test run uses.
std::string unique_submission_id();

class PluginTest : public ::testing::Test {
 public:
  // One plugin instance for the whole test program, as in a host process.
  static LoadedPlugin& plugin();

 protected:
  explicit PluginTest(Cluster cluster = plain_cluster()) : cluster_(std::move(cluster)), rest_(cluster_) {}
  void SetUp() override {
    DLAUNCH_REQUIRE_CLUSTER(cluster_);
    plugin().clear_log_messages();
  }

  // A one-replica job on this test's cluster.
  JobSpec job(const std::string& name, const std::string& command) const;
  // Submits and returns the native id (the test fails when submit fails).
  std::string submit(const JobSpec& job);
  // Polls the plugin's status until the job is terminal.
  Status wait_for_end(const std::string& native_id, const JobSpec& job,
                      std::chrono::seconds timeout = std::chrono::seconds(120));
  std::string logs(const std::string& native_id, const JobSpec& job);

  Cluster cluster_;
  RayRest rest_;
};

}  // namespace dlaunch::ray_test

#endif  // DLAUNCH_TESTS_RAY_PLUGIN_TEST_FIXTURE_HPP_
