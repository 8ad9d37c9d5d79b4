// The Ray clusters the CTest fixtures start (scripts/ray-cluster.sh), and a direct line to their REST API
// for checks that must not trust the plugin under test.
#ifndef DLAUNCH_TESTS_RAY_RAY_CLUSTER_HPP_
#define DLAUNCH_TESTS_RAY_RAY_CLUSTER_HPP_

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <support/cluster_env.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace dlaunch::ray_test {

struct Cluster {
  std::string address;     // http://127.0.0.1:PORT, read from the state directory; empty when none was started
  std::string token_file;  // empty for the cluster without authentication
  std::string state;       // the state directory of scripts/ray-cluster.sh (DLAUNCH_RAY_STATE)
  std::string token() const;
  int port() const { return std::stoi(address.substr(address.rfind(':') + 1)); }
};

Cluster plain_cluster();
Cluster token_cluster();

// Why the cluster cannot be used, or nothing when its dashboard answers.
std::optional<std::string> unavailable_reason(const Cluster& cluster);

using test::running_in_ci;

// Ray's own answers, read without the plugin.
class RayRest {
 public:
  explicit RayRest(Cluster cluster) : cluster_(std::move(cluster)) {}
  rapidjson::Document get(const std::string& path) const;
  // POSTs `body` to /api/jobs/ as a non-dlaunch client would; returns Ray's submission_id.
  std::string submit(const std::string& body) const;
  // How many jobs Ray lists with this submission_id.
  int count_jobs(const std::string& submission_id) const;
  // Polls until the job is terminal; returns its JobDetails (fails the test on timeout).
  rapidjson::Document wait_until_terminal(const std::string& submission_id,
                                          std::chrono::seconds timeout = std::chrono::seconds(120)) const;

 private:
  Cluster cluster_;
};

}  // namespace dlaunch::ray_test

// Skips the test (loudly) when the cluster is not up, except under CI=true where that is a failure.
#define DLAUNCH_REQUIRE_CLUSTER(cluster)                                                          \
  do {                                                                                            \
    if (auto reason = ::dlaunch::ray_test::unavailable_reason(cluster)) {                         \
      if (::dlaunch::ray_test::running_in_ci()) FAIL() << "Ray cluster unavailable: " << *reason; \
      GTEST_SKIP() << "RAY CLUSTER UNAVAILABLE, test skipped: " << *reason;                       \
    }                                                                                             \
  } while (false)

#endif  // DLAUNCH_TESTS_RAY_RAY_CLUSTER_HPP_
