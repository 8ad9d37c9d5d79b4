// Drives the built local plugin through its C ABI, as the host does: dlopen (RTLD_NOW | RTLD_LOCAL), the
// entry symbol, ABI negotiation, init with a host table and a private state directory, then the operations.
#ifndef DLAUNCH_TESTS_LOCAL_LOCAL_PLUGIN_CLIENT_HPP_
#define DLAUNCH_TESTS_LOCAL_LOCAL_PLUGIN_CLIENT_HPP_

#include <dlaunch/job_status.hpp>
#include <dlaunch/plugin.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch::test {

// The outcome of one operation: code 0 on success, else the plugin's DLAUNCH_ERR_* and message.
struct CallResult {
  int32_t code = 0;
  std::string message;
  bool ok() const { return code == 0; }
};

// A status record as the plugin reported it (the SDK's C++ copy of dlaunch_job_status).
using JobStatusCopy = sdk::JobStatus;

struct Diagnostic {
  int32_t severity = DLAUNCH_SEVERITY_ERROR;
  std::string path;
  std::string message;
};

class LocalPluginClient {
 public:
  // The plugin of this build, loaded and initialized once per test process with a fresh state directory.
  static LocalPluginClient& instance();

  const dlaunch_plugin_api& api() const { return *api_; }
  const std::string& state_dir() const { return state_dir_; }
  // What is_cancelled answers from now on.
  void set_cancelled(bool cancelled) { cancelled_ = cancelled; }

  CallResult submit(const std::string& job_json, const std::string& submission_id, std::string* native_id) const;
  CallResult status(const std::string& native_id, JobStatusCopy* out) const;
  CallResult logs(const std::string& native_id, bool follow, std::string* out) const;
  CallResult stop(const std::string& native_id) const;
  CallResult delete_job(const std::string& native_id) const;
  CallResult list(std::vector<JobStatusCopy>* out) const;
  CallResult validate(const std::string& job_json, std::vector<Diagnostic>* out) const;
  CallResult dry_run(const std::string& job_json, std::string* out) const;

  // Polls status until the job is terminal or `timeout` passes; returns the last status seen.
  JobStatusCopy wait_until_terminal(const std::string& native_id,
                                    std::chrono::seconds timeout = std::chrono::seconds(30)) const;

 private:
  LocalPluginClient();
  CallResult result_of(dlaunch_error* error) const;

  const dlaunch_plugin_api* api_ = nullptr;
  std::string state_dir_;
  dlaunch_host_api host_{};
  std::atomic<bool> cancelled_{false};
};

bool is_terminal_state(int32_t state);

// A fresh submission id for every call.
std::string new_submission_id();

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_LOCAL_LOCAL_PLUGIN_CLIENT_HPP_
