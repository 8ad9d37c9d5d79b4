// Shared setup of the tests that drive the built `dlaunch` binary against a Ray cluster: a private
// XDG_STATE_HOME (journal) and XDG_CONFIG_HOME, and a directory holding the spec (the job's working_dir).
#ifndef DLAUNCH_TESTS_RAY_CLI_TEST_FIXTURE_HPP_
#define DLAUNCH_TESTS_RAY_CLI_TEST_FIXTURE_HPP_

#include "job_spec.hpp"
#include "ray_cluster.hpp"

#include <gtest/gtest.h>
#include <support/process.hpp>

#include <map>
#include <string>
#include <vector>

namespace dlaunch::ray_test {

class CliTest : public ::testing::Test {
 protected:
  explicit CliTest(Cluster cluster = plain_cluster()) : cluster_(std::move(cluster)), rest_(cluster_) {}
  void SetUp() override { DLAUNCH_REQUIRE_CLUSTER(cluster_); }

  // A one-replica job on this test's cluster.
  JobSpec job(const std::string& name, const std::string& command) const;
  // Writes the spec as job.toml in the work directory and returns its path.
  std::string write_spec(const JobSpec& spec) const;
  // Runs the built dlaunch with the test's private state and config, plus `env`.
  test::ProcessResult dlaunch(const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env = {}) const;
  // `dlaunch run SPEC -p ray` without waiting: returns the handle it printed (the test fails otherwise).
  std::string run(const JobSpec& spec) const;

  static std::string native_id(const std::string& handle) { return handle.substr(handle.find(':') + 1); }

  Cluster cluster_;
  RayRest rest_;
  test::TempDir state_;
  test::TempDir work_;
};

}  // namespace dlaunch::ray_test

#endif  // DLAUNCH_TESTS_RAY_CLI_TEST_FIXTURE_HPP_
