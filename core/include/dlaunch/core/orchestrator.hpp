// The orchestrator: load spec → apply overrides → validate → pick platform → load plugin → platform
// validate → dry-run or submit → record in the journal → optionally wait and follow. Also status, logs,
// stop, delete and list of jobs named by a handle "PLATFORM:NATIVE_ID". Everything the CLI does goes
// through here, so a program can do the same.
#ifndef DLAUNCH_CORE_ORCHESTRATOR_HPP_
#define DLAUNCH_CORE_ORCHESTRATOR_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/error.hpp>
#include <dlaunch/core/job.hpp>
#include <dlaunch/core/job_status.hpp>
#include <dlaunch/core/journal.hpp>
#include <dlaunch/core/platform.hpp>
#include <dlaunch/core/plugin_catalog.hpp>
#include <dlaunch/core/sweep.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {

struct OrchestratorSettings {
  std::vector<std::string> plugin_dirs;    // --plugin-dir, searched first
  std::filesystem::path journal_directory;  // empty: the default state directory
  // User defaults for [platform.<id>] options (from --config), under what the spec says.
  std::map<std::string, Value> platform_defaults;
  // `--set platform.ID.OPTION=VALUE` for commands on submitted jobs (status, logs, stop, delete, list): over
  // the options the journal recorded, e.g. another address. Checked against the plugin's declared options.
  std::vector<std::string> option_overrides;
  // How long a submit a killed dlaunch left is given for the requests it had sent to land, from the first time a
  // later command finds it abandoned, before a platform that holds no job of it has it settled as failed (a
  // server still handles a request whose sender died). `settle_grace_seconds` in the configuration file.
  std::chrono::seconds settle_grace{60};
  // Told, once per platform and call, why intents of it could not be settled (`list` and `status` print it).
  std::function<void(const std::string& warning)> on_warning;
};

// A job that passed every stage, ready for dry-run or submit.
struct PreparedJob {
  Job job;
  std::shared_ptr<Platform> platform;
  std::string options_json;  // the platform's options, defaults filled in
  std::string document;      // the normalized job document handed to the plugin
  std::string submission_id; // generated once per prepared job; the idempotency key
};

struct ValidationReport {
  Diagnostics diagnostics;  // errors and warnings, sorted by position
  std::optional<PreparedJob> prepared;  // set when there is no error
  std::optional<Error> failure;         // set when validation could not be completed (unreadable, plugin)
  std::vector<SweepParameter> sweep;    // the spec's [sweep] table: the job is a sweep's base

  bool ok() const { return prepared.has_value(); }
  // Why a report that is not ok() stops the job, as `dlaunch validate` ends: its `failure`, else
  // "SPEC: N errors; nothing was submitted". The findings are the caller's to show.
  Error error_for(const std::string& spec) const;
};

// A spec to validate, as the command line names it.
struct SpecRequest {
  std::string spec_file;                  // the file; with `text`, only the name in diagnostics ("<stdin>")
  std::optional<std::string> text;        // the spec itself, when it is not read from a file (`run -`)
  std::string platform_override;          // -p; "" for the job's own, or local
  std::vector<std::string> overrides;     // --set KEY=VALUE, in order
  std::vector<std::string> driver_args;   // `run SPEC -- ARGS...`: appended to the driver role's entrypoint
};

struct Submission {
  std::string handle;  // PLATFORM:NATIVE_ID
  std::string platform;
  std::string native_id;
  std::string submission_id;
};

// The jobs of a sweep (sweep.hpp), each validated as its own job.
struct SweepJob {
  SweepPoint point;
  PreparedJob prepared;
};

struct SweepReport {
  std::string sweep_id;
  // The base spec's and every job's findings, each once ("(sweep jobs 0, 2)" says whose); the base's failure.
  ValidationReport summary;
  std::vector<SweepJob> jobs;  // every job, when none has an error; else none

  bool ok() const { return !jobs.empty(); }
};

struct JobHandle {
  std::string platform;
  std::string native_id;
  std::string text() const { return platform + ":" + native_id; }
};

// Parses "PLATFORM:NATIVE_ID"; anything else is kInvalidRequest.
Result<JobHandle> parse_handle(const std::string& text);

class Orchestrator {
 public:
  explicit Orchestrator(OrchestratorSettings settings = {});

  // Validation of a spec file (parse, overrides, schema, semantics, platform) or of a job built in code
  // (semantics, platform). `platform_override` is -p ("" for the job's own, or local).
  ValidationReport validate_file(const std::string& spec_file, const std::string& platform_override,
                                 const std::vector<std::string>& overrides);
  ValidationReport validate_spec(const SpecRequest& request);
  ValidationReport validate_job(const Job& job, const std::string& platform_override);

  // The sweep of a validated spec (`base`): its [sweep] table with `sweep_options` (--sweep KEY=V1,V2) over
  // it, every combination validated as its own job before any is sent. Problems of the options are reported
  // with the base's.
  SweepReport validate_sweep(const SpecRequest& request, const ValidationReport& base,
                             const std::vector<std::string>& sweep_options);

  // The platform-native request, as text, with secrets as ***. Sends nothing.
  Result<std::string> dry_run(const PreparedJob& prepared);

  // Journals the intent, submits, journals the native id.
  Result<Submission> submit(const PreparedJob& prepared);
  // Submits every job, up to 8 at once (plugins are thread-safe); one result per job, in order. `on_done`
  // is called on this thread as each one returns, with how many have.
  std::vector<Result<Submission>> submit_all(const std::vector<const PreparedJob*>& jobs,
                                             const std::function<void(std::size_t done)>& on_done = {});
  // The journaled jobs of sweep `sweep_id`, by index; kNotFound when it has none.
  Result<std::vector<JournalEntry>> sweep_jobs(const std::string& sweep_id);

  // A handle PLATFORM:SUBMISSION_ID of a journaled intent (a submit a killed dlaunch left, shown by `list` as
  // "(SUBMISSION_ID)") has that intent settled first (as resolve_intents does): the answer is then the job's,
  // under its real native id, or kNotFound saying that the platform never got it.
  Result<JobStatus> status(const JobHandle& handle);
  // Asks status until the job is terminal, calling on_update after every answer. Between two answers, a plugin
  // that can (ABI 1.2's wait_for_change) waits for the job to change, for up to a second (or `longest_interval`
  // if longer); for any other the host sleeps: first 1 ms, then each interval half as long again as the last,
  // up to `longest_interval`. Ctrl-C ends it with kCancelled.
  Result<JobStatus> wait(const JobHandle& handle, const std::function<void(const JobStatus&)>& on_update = {},
                         std::chrono::milliseconds longest_interval = std::chrono::milliseconds(500));
  Result<void> logs(const JobHandle& handle, bool follow, const std::function<bool(std::string_view)>& on_output);
  Result<void> stop(const JobHandle& handle);
  // `dlaunch delete`; spelled delete_job as in the plugin ABI, since `delete` is a C++ keyword.
  Result<void> delete_job(const JobHandle& handle);
  // The platform's jobs (its own list), newest first.
  Result<std::vector<JobStatus>> list(const std::string& platform_id);
  // Settles the journal's intents (of `platform_id`; "" for all) that no running submit holds: a dlaunch killed
  // after the platform accepted a job but before the journal recorded its answer left one. A platform that
  // holds the job by its submission id gets it journaled with its handle; one that holds no job of it, as failed,
  // once settings.settle_grace has passed since a call first found the intent abandoned. The others stay intents
  // until a later call can tell. How many were settled.
  Result<std::size_t> resolve_intents(const std::string& platform_id = "");
  // This machine's journal, opened on first use.
  Journal& journal();

  const PluginCatalog& catalog();
  // The loaded plugin of platform `id`. Not installed: kInvalidRequest, naming what is.
  Result<std::shared_ptr<Platform>> platform(const std::string& id);
  // The options a platform's plugin declares: from its manifest when it declares them (no code is loaded),
  // else from loading the plugin.
  Result<std::vector<PlatformOption>> declared_options(const std::string& id);

 private:
  void platform_stage(struct ValidationContext& context, ValidationReport& report, const std::string& platform_id);
  // The plugin of a handle, and the options to speak to it with: those this process submitted it with, else
  // those journaled at submit (secrets left to the configuration and environment), else defaults.
  struct Target {
    std::shared_ptr<Platform> platform;
    std::string options_json;
  };
  Result<Target> target_of(const JobHandle& handle);
  Result<std::string> options_for(const JobHandle& handle, const Platform& platform);
  // The same for a journaled entry, found already (an intent, which has no handle to find it by); without the
  // command line's --set when `overridden` is false.
  Result<std::string> options_for(const JobHandle& handle, const Platform& platform, const JournalEntry* journaled,
                                  bool overridden = true);
  // A handle whose native id the journal holds under another platform ("ray:X" for "local:X"): the error that
  // names the right one, before any platform is asked.
  std::optional<Error> misnamed_platform(const JobHandle& handle);
  // kNotFound gets "did you mean 'local:hello-2218be'?" when the journal holds a handle close to it.
  Error with_journal_hint(const JobHandle& handle, Error failure);
  // A "no such job" about a submit still being settled (within its grace period) is not final.
  Error with_intent_hint(const JobHandle& handle, Error failure);
  // Settles `intents` (of `platform_id`; "" for all) that no running submit holds, at most 64: the work of
  // resolve_intents, which gives it every intent, and of status, which gives it one. How many were settled.
  Result<std::size_t> settle_intents(const std::vector<JournalEntry>& intents, const std::string& platform_id);
  // The journaled intent a handle names by its submission id, settled if its platform can tell now; nullopt
  // when the handle names none.
  Result<std::optional<JournalEntry>> settled_intent(const JobHandle& handle);
  // The handle to ask the platform by: `asked`, or, when it names an intent by its submission id, the job that
  // intent settled to (kNotFound with the journal's reason when the platform never got it). A journal that
  // cannot be read or written leaves `asked`.
  Result<JobHandle> platform_handle(const JobHandle& asked);
  // The platform's answer for `handle`, with nothing settled first.
  Result<JobStatus> platform_status(const JobHandle& handle);

  OrchestratorSettings settings_;
  std::optional<PluginCatalog> catalog_;
  std::map<std::string, std::shared_ptr<Platform>> loaded_;
  std::optional<Journal> journal_;
  // Concurrent submits share the journal's one connection. (Held by pointer: the orchestrator stays movable.)
  std::unique_ptr<std::mutex> journal_mutex_ = std::make_unique<std::mutex>();
  // The options of the jobs this process submitted, secrets included, by handle: `run --wait` and `--follow`
  // speak to the job with the credentials it was submitted with, which the journal does not keep. Guarded by
  // journal_mutex_; never written anywhere.
  std::map<std::string, std::string> submitted_options_;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_ORCHESTRATOR_HPP_
