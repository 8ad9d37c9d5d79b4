#include "plugin_test_fixture.hpp"

#include <unistd.h>

#include <atomic>
#include <thread>

namespace dlaunch::ray_test {

std::string unique_submission_id() {
  static std::atomic<int> counter{0};
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
  return "t" + std::to_string(ms) + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

LoadedPlugin& PluginTest::plugin() {
  static LoadedPlugin loaded(DLAUNCH_TEST_RAY_PLUGIN_DIR);
  return loaded;
}

JobSpec PluginTest::job(const std::string& name, const std::string& command) const {
  JobSpec spec = shell_job(name, command);
  spec.option("address", string_literal(cluster_.address));
  return spec;
}

std::string PluginTest::submit(const JobSpec& job) {
  std::string native_id;
  Outcome submitted = plugin().submit(job.document(), unique_submission_id(), native_id);
  EXPECT_TRUE(submitted.ok()) << submitted.message;
  return native_id;
}

Status PluginTest::wait_for_end(const std::string& native_id, const JobSpec& job, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Status status;
  while (std::chrono::steady_clock::now() < deadline) {
    Outcome asked = plugin().status(native_id, job.platform_json(), status);
    EXPECT_TRUE(asked.ok()) << asked.message;
    if (!asked.ok()) break;
    if (status.state >= DLAUNCH_STATE_SUCCEEDED) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ADD_FAILURE() << native_id << " did not end in time; last state " << status.native_state;
  return status;
}

std::string PluginTest::logs(const std::string& native_id, const JobSpec& job) {
  std::string text;
  Outcome read = plugin().logs(native_id, job.platform_json(), false, [&](std::string_view chunk) {
    text += chunk;
    return true;
  });
  EXPECT_TRUE(read.ok()) << read.message;
  return text;
}

}  // namespace dlaunch::ray_test
