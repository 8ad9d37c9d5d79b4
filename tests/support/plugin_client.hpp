// Test support: a built plugin opened with dlopen (RTLD_NOW | RTLD_LOCAL) and driven through its C table
// exactly as the host does — entry symbol, ABI negotiation, init with a host table of the test's own — so a
// plugin's tests prove it without the core or the CLI. What the plugin logs is kept; is_cancelled answers
// what the test sets.
#ifndef DLAUNCH_TESTS_SUPPORT_PLUGIN_CLIENT_HPP_
#define DLAUNCH_TESTS_SUPPORT_PLUGIN_CLIENT_HPP_

#include <dlaunch/job_status.hpp>
#include <dlaunch/plugin.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::test {

// What an operation returned: code 0 and an empty message on success, else DLAUNCH_ERR_* and the message.
struct CallResult {
  int32_t code = 0;
  std::string message;
  bool ok() const { return code == 0; }
};

// One finding of validate.
struct Finding {
  int32_t severity = DLAUNCH_SEVERITY_ERROR;
  std::string path;
  std::string message;
};

class PluginClient {
 public:
  // Opens `plugin_dir`/libdlaunch-`id`.so and calls init with `state_dir` (created when missing), as a host of
  // ABI 1.`host_abi_minor`. Throws std::runtime_error when the library does not load, negotiate or initialise.
  // Never unloaded.
  PluginClient(const std::string& plugin_dir, const std::string& id, const std::string& state_dir,
               uint32_t host_abi_minor = DLAUNCH_ABI_MINOR);
  PluginClient(const PluginClient&) = delete;
  PluginClient& operator=(const PluginClient&) = delete;

  const dlaunch_plugin_api& api() const { return *api_; }
  const std::string& state_dir() const { return state_dir_; }

  CallResult validate(const std::string& job_json, std::vector<Finding>& findings) const;
  CallResult dry_run(const std::string& job_json, const std::string& submission_id, std::string& text) const;
  CallResult submit(const std::string& job_json, const std::string& submission_id, std::string& native_id) const;
  // Fails unless the plugin reports exactly one status.
  CallResult status(const std::string& native_id, const std::string& options_json, sdk::JobStatus& status) const;
  // Each chunk goes to `on_text`; returning false asks the plugin to stop.
  CallResult logs(const std::string& native_id, const std::string& options_json, bool follow,
                  const std::function<bool(std::string_view)>& on_text) const;
  // The same, appending every chunk to `text`.
  CallResult logs(const std::string& native_id, const std::string& options_json, bool follow, std::string& text) const;
  CallResult stop(const std::string& native_id, const std::string& options_json) const;
  CallResult delete_job(const std::string& native_id, const std::string& options_json) const;
  CallResult list(const std::string& options_json, std::vector<sdk::JobStatus>& statuses) const;

  // Everything the plugin logged through the host API, one message per entry.
  std::vector<std::string> log_messages() const;
  void clear_log_messages();
  // What is_cancelled answers from now on: true as after Ctrl-C.
  void set_cancelled(bool cancelled) { cancelled_ = cancelled; }

 private:
  static void on_log(const dlaunch_host_api* host, int32_t level, const char* message);
  static bool on_is_cancelled(const dlaunch_host_api* host);
  CallResult result_of(dlaunch_error* error) const;

  const dlaunch_plugin_api* api_ = nullptr;
  std::string plugin_dir_;
  std::string state_dir_;
  dlaunch_host_api host_{};
  std::atomic<bool> cancelled_{false};
  mutable std::mutex log_mutex_;
  std::vector<std::string> log_messages_;
};

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_PLUGIN_CLIENT_HPP_
