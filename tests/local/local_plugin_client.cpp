#include "local_plugin_client.hpp"

#include <unistd.h>

#include <atomic>
#include <thread>

#include "support/process.hpp"

namespace dlaunch::test {

LocalPluginClient& LocalPluginClient::instance() {
  // Lives until the process exits, like the host's state directory; jobs of a test process stay inside it.
  static const TempDir state_root;
  static LocalPluginClient client(state_root.path());
  return client;
}

LocalPluginClient::LocalPluginClient(const std::string& state_dir)
    : PluginClient(DLAUNCH_LOCAL_PLUGIN_DIR, "local", state_dir) {}

JobStatusCopy LocalPluginClient::wait_until_terminal(const std::string& native_id,
                                                     std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  JobStatusCopy last;
  while (status(native_id, "{}", last).ok() && !last.terminal() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

std::string new_submission_id() {
  static std::atomic<int> counter{0};
  return "test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace dlaunch::test
