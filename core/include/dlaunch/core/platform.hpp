// A loaded platform plugin. The plugin speaks the C ABI of sdk/include/dlaunch/plugin.h; this class speaks the
// core's language (Result, ErrorCode, JobStatus) and converts in core/src/plugins/platform.cpp, the one place
// the core touches the C ABI. No exception crosses from a plugin.
#ifndef DLAUNCH_CORE_PLATFORM_HPP_
#define DLAUNCH_CORE_PLATFORM_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/error.hpp>
#include <dlaunch/core/job_status.hpp>
#include <dlaunch/core/plugin_catalog.hpp>
#include <dlaunch/core/plugin_option.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct dlaunch_plugin_api;  // the plugin's C table (plugin.h), opaque here

namespace dlaunch {

class Platform {
 public:
  // Opens the plugin's library (RTLD_NOW | RTLD_LOCAL, through Boost.DLL), negotiates the ABI, checks the
  // table (and that it declares the options its manifest declares, if the manifest does), and calls init.
  // The library is never unloaded. A refusal is kInternal with a message for the user; a failing init keeps
  // the plugin's own code (e.g. kUnavailable).
  static Result<std::shared_ptr<Platform>> load(const PluginManifest& manifest);

  const PluginManifest& manifest() const { return manifest_; }
  const std::string& id() const { return manifest_.id; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  uint32_t abi_major() const { return abi_major_; }
  uint32_t abi_minor() const { return abi_minor_; }
  const std::vector<PlatformOption>& options() const { return options_; }
  // The plugin's C table, for `plugins check`, which also calls it as no host would (NULL arguments...).
  const dlaunch_plugin_api* table() const { return api_; }

  // A plugin's error keeps its code; a code this host does not know (a newer minor's) is kInternal.
  Result<Diagnostics> validate(std::string_view job_json, std::string_view submission_id) const;
  Result<std::string> dry_run(std::string_view job_json, std::string_view submission_id) const;
  Result<std::string> submit(std::string_view job_json, std::string_view submission_id) const;
  Result<JobStatus> status(const std::string& native_id, const std::string& options_json) const;
  // Calls on_output for every chunk; returning false from it ends the stream early.
  Result<void> logs(const std::string& native_id, const std::string& options_json, bool follow,
                    const std::function<bool(std::string_view)>& on_output) const;
  Result<void> stop(const std::string& native_id, const std::string& options_json) const;
  // The ABI's delete_job (`delete` is a C++ keyword); the CLI command is `dlaunch delete`.
  Result<void> delete_job(const std::string& native_id, const std::string& options_json) const;
  Result<std::vector<JobStatus>> list(const std::string& options_json) const;
  // ABI 1.1: whether the plugin can say which submissions reached its platform, and the jobs of those that
  // did (each with its submission_id); an id not among them never did. kUnimplemented for a 1.0 plugin.
  bool finds_submissions() const;
  // `since_ms`: every one of these submits began at or after it. An answer with a record too small to name its
  // submission id, or naming one not asked about or one twice, is kInternal as a whole.
  Result<std::vector<JobStatus>> find_submissions(const std::vector<std::string>& submission_ids,
                                                  const std::string& options_json, int64_t since_ms) const;
  // ABI 1.2: whether the plugin can wait for a job to change, and that wait: it returns once the job's state or
  // restarts may differ from `seen`'s, or after `timeout`. kCancelled on Ctrl-C; kUnimplemented for an older
  // plugin, or one that offers no such wait.
  bool waits_for_change() const;
  Result<void> wait_for_change(const std::string& native_id, const std::string& options_json, const JobStatus& seen,
                               std::chrono::milliseconds timeout) const;

 private:
  Platform(PluginManifest manifest, const dlaunch_plugin_api* api, std::vector<PlatformOption> options);

  PluginManifest manifest_;
  const dlaunch_plugin_api* api_;
  std::string version_;
  std::string description_;
  uint32_t abi_major_;
  uint32_t abi_minor_;
  std::vector<PlatformOption> options_;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_PLATFORM_HPP_
