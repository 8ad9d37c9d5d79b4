// The built local plugin, driven through its C ABI as the host does (tests/support/plugin_client.hpp), once
// per test process with a private state directory, plus what the local tests share.
#ifndef DLAUNCH_TESTS_LOCAL_LOCAL_PLUGIN_CLIENT_HPP_
#define DLAUNCH_TESTS_LOCAL_LOCAL_PLUGIN_CLIENT_HPP_

#include <chrono>
#include <string>

#include "support/plugin_client.hpp"

namespace dlaunch::test {

using JobStatusCopy = sdk::JobStatus;
using Diagnostic = Finding;

class LocalPluginClient : public PluginClient {
 public:
  // The plugin of this build, loaded and initialized once per test process.
  static LocalPluginClient& instance();

  // Polls status until the job is terminal or `timeout` passes; returns the last status seen.
  JobStatusCopy wait_until_terminal(const std::string& native_id,
                                    std::chrono::seconds timeout = std::chrono::seconds(30)) const;

 private:
  explicit LocalPluginClient(const std::string& state_dir);
};

// A fresh submission id for every call.
std::string new_submission_id();

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_LOCAL_LOCAL_PLUGIN_CLIENT_HPP_
