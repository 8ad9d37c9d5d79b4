// The fixture of the local plugin's tests: a client of the loaded plugin, a scratch directory for the jobs'
// files, and a teardown that stops whatever a failed test left running.
#ifndef DLAUNCH_TESTS_LOCAL_LOCAL_PLATFORM_TEST_HPP_
#define DLAUNCH_TESTS_LOCAL_LOCAL_PLATFORM_TEST_HPP_

#include <gtest/gtest.h>

#include <string>

#include "local/local_plugin_client.hpp"
#include "local/test_job.hpp"
#include "support/process.hpp"

namespace dlaunch::test {

class LocalPlatformTest : public ::testing::Test {
 protected:
  void TearDown() override {
    std::vector<JobStatusCopy> jobs;
    client().list("{}", jobs);
    for (const auto& job : jobs) {
      if (!job.terminal()) client().stop(job.native_id, "{}");
    }
  }

  static LocalPluginClient& client() { return LocalPluginClient::instance(); }

  // A job whose working directory is the scratch directory.
  TestJob job_with(std::vector<TestRole> roles) const {
    TestJob job;
    job.working_dir = scratch_.path();
    job.roles = std::move(roles);
    return job;
  }

  // Submits and returns the native id; an empty id (and a test failure) when submit fails.
  std::string submit(const TestJob& job) const {
    std::string native_id;
    CallResult result = client().submit(job.json(), new_submission_id(), native_id);
    EXPECT_TRUE(result.ok()) << result.message;
    return native_id;
  }

  std::string logs_of(const std::string& native_id, bool follow = false) const {
    std::string out;
    CallResult result = client().logs(native_id, "{}", follow, out);
    EXPECT_TRUE(result.ok()) << result.message;
    return out;
  }

  std::string path(const std::string& name) const { return scratch_.path() + "/" + name; }

  TempDir scratch_;
};

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_LOCAL_LOCAL_PLATFORM_TEST_HPP_
