// A loaded platform plugin, spoken to only through the C ABI of sdk/include/dlaunch/plugin.h. This class
// turns the C table into C++ calls with std::expected results; no exception crosses from a plugin.
#ifndef DLAUNCH_CORE_PLATFORM_HPP_
#define DLAUNCH_CORE_PLATFORM_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/plugin_catalog.hpp>
#include <dlaunch/core/plugin_option.hpp>
#include <dlaunch/job_status.hpp>
#include <dlaunch/plugin.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {

// The host's own ABI version.
inline constexpr uint32_t kHostAbiMajor = DLAUNCH_ABI_MAJOR;
inline constexpr uint32_t kHostAbiMinor = DLAUNCH_ABI_MINOR;

struct PluginFailure {
  int32_t code = DLAUNCH_ERR_INTERNAL;  // DLAUNCH_ERR_*
  std::string message;
};

template <class T>
using PluginResult = std::expected<T, PluginFailure>;

// A job's status as plugins report it (sdk/include/dlaunch/job_status.hpp).
using JobStatus = sdk::JobStatus;

const char* state_name(int32_t state);  // "PENDING", "RUNNING", ...

class Platform {
 public:
  // Opens the plugin's library (RTLD_NOW | RTLD_LOCAL, through Boost.DLL), negotiates the ABI, checks the
  // table (and that it declares the options its manifest declares, if the manifest does), and calls init.
  // The library is never unloaded. A refusal is DLAUNCH_ERR_INTERNAL with a message for the user; a failing
  // init keeps the plugin's own code (e.g. UNAVAILABLE).
  static PluginResult<std::shared_ptr<Platform>> load(const PluginManifest& manifest);

  const PluginManifest& manifest() const { return manifest_; }
  const std::string& id() const { return manifest_.id; }
  std::string version() const { return api_->version != nullptr ? api_->version : ""; }
  std::string description() const { return api_->description != nullptr ? api_->description : ""; }
  uint32_t abi_major() const { return api_->abi_major; }
  uint32_t abi_minor() const { return api_->abi_minor; }
  const std::vector<PlatformOption>& options() const { return options_; }

  PluginResult<Diagnostics> validate(std::string_view job_json, std::string_view submission_id) const;
  PluginResult<std::string> dry_run(std::string_view job_json, std::string_view submission_id) const;
  PluginResult<std::string> submit(std::string_view job_json, std::string_view submission_id) const;
  PluginResult<JobStatus> status(const std::string& native_id, const std::string& options_json) const;
  // Calls on_output for every chunk; returning false from it ends the stream early.
  PluginResult<void> logs(const std::string& native_id, const std::string& options_json, bool follow,
                          const std::function<bool(std::string_view)>& on_output) const;
  PluginResult<void> stop(const std::string& native_id, const std::string& options_json) const;
  PluginResult<void> delete_job(const std::string& native_id, const std::string& options_json) const;
  PluginResult<std::vector<JobStatus>> list(const std::string& options_json) const;

 private:
  Platform(PluginManifest manifest, const dlaunch_plugin_api* api, std::vector<PlatformOption> options);
  PluginFailure take_error(dlaunch_error* error) const;

  PluginManifest manifest_;
  const dlaunch_plugin_api* api_;
  std::vector<PlatformOption> options_;
};

// Host services offered to every plugin (dlaunch_host_api): where plugin log lines go, and the cancellation
// flag that long operations poll.
namespace host {
// Messages at or above this level are printed to stderr as "dlaunch: <id>: message". Default: warnings.
void set_log_level(int32_t level);
// Set from a signal handler (async-signal-safe): plugins see is_cancelled() == true from then on.
void request_cancellation();
bool cancellation_requested();
}  // namespace host

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_PLATFORM_HPP_
