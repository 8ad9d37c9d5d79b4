// The built ray plugin, opened with dlopen and driven through its C table exactly as a host would: the
// plugin-level tests use it to prove the plugin without the CLI.
#ifndef DLAUNCH_TESTS_RAY_LOADED_PLUGIN_HPP_
#define DLAUNCH_TESTS_RAY_LOADED_PLUGIN_HPP_

#include <dlaunch/plugin.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::ray_test {

// What an operation returned: code 0 and an empty message on success.
struct Outcome {
  int32_t code = 0;
  std::string message;
  bool ok() const { return code == 0; }
};

struct Status {
  std::string native_id;
  std::string name;
  int32_t state = DLAUNCH_STATE_UNKNOWN;
  std::optional<int32_t> exit_code;
  std::string native_state;
  std::string message;
  bool submitted_by_dlaunch = false;
  int64_t end_time_ms = 0;
};

struct Finding {
  std::string path;
  std::string message;
};

class LoadedPlugin {
 public:
  // Opens the plugin library in `plugin_dir` (libdlaunch-ray.so), negotiates the ABI and calls init.
  explicit LoadedPlugin(const std::string& plugin_dir);
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const dlaunch_plugin_api& api() const { return *api_; }

  Outcome validate(const std::string& job_json, std::vector<Finding>& findings);
  Outcome dry_run(const std::string& job_json, const std::string& submission_id, std::string& text);
  Outcome submit(const std::string& job_json, const std::string& submission_id, std::string& native_id);
  Outcome status(const std::string& native_id, const std::string& options_json, Status& status);
  // Each chunk goes to `on_text`; returning false asks the plugin to stop.
  Outcome logs(const std::string& native_id, const std::string& options_json, bool follow,
               const std::function<bool(std::string_view)>& on_text);
  Outcome stop(const std::string& native_id, const std::string& options_json);
  Outcome remove(const std::string& native_id, const std::string& options_json);
  Outcome list(const std::string& options_json, std::vector<Status>& statuses);

  // Everything the plugin logged through the host API, one message per entry.
  std::vector<std::string> log_messages() const;
  void clear_log_messages();
  // What is_cancelled answers: true as after Ctrl-C.
  void set_cancelled(bool cancelled) { cancelled_ = cancelled; }

 private:
  static void on_log(const dlaunch_host_api* host, int32_t level, const char* message);
  static bool on_is_cancelled(const dlaunch_host_api* host);
  Outcome outcome(dlaunch_error* error) const;

  const dlaunch_plugin_api* api_ = nullptr;
  dlaunch_host_api host_{};
  std::string plugin_dir_;
  std::string state_dir_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex log_mutex_;
  std::vector<std::string> log_messages_;
};

}  // namespace dlaunch::ray_test

#endif  // DLAUNCH_TESTS_RAY_LOADED_PLUGIN_HPP_
