#include <dlaunch/core/job_document.hpp>
#include <dlaunch/core/orchestrator.hpp>
#include <dlaunch/core/spec_loader.hpp>
#include <dlaunch/core/validation.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "orchestrator_intents.hpp"
#include "plugins/host_state.hpp"
#include "support/random_id.hpp"
#include "validation/document_version.hpp"
#include <dlaunch/core/did_you_mean.hpp>

namespace dlaunch {

Error ValidationReport::error_for(const std::string& spec) const {
  if (failure) return *failure;
  const auto errors = std::count_if(diagnostics.begin(), diagnostics.end(),
                                    [](const Diagnostic& d) { return d.severity == Severity::kError; });
  return Error{ErrorCode::kInvalidArgument,
               spec + ": " + std::to_string(errors) + (errors == 1 ? " error" : " errors") + "; nothing was submitted"};
}

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Whether a submit that failed so may have reached the platform all the same: it was interrupted, or the request
// or its answer was lost on the way. Every other failure is the platform's (or the plugin's) refusal.
bool outcome_unknown(ErrorCode code) {
  return code == ErrorCode::kCancelled || code == ErrorCode::kUnavailable || code == ErrorCode::kTemporary;
}

std::string new_submission_id(const Job& job) { return "dlaunch-" + job.name.substr(0, 40) + "-" + random_suffix(); }

// Gives a job the user's configured defaults for a platform's options, under what the spec itself says.
void apply_platform_defaults(Job& job, const std::string& platform_id, const std::map<std::string, Value>& defaults) {
  auto configured = defaults.find(platform_id);
  if (configured == defaults.end()) return;
  auto [it, inserted] = job.platform_options.try_emplace(platform_id, Value::table(configured->second.location()));
  for (const auto& m : configured->second.members()) {
    if (it->second.find(m.key) == nullptr) it->second.set(m.key, m.value, m.key_location);
  }
}

}  // namespace

Result<JobHandle> parse_handle(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return std::unexpected(Error{ErrorCode::kInvalidRequest, "'" + text +
                                                                 "' is not a job handle; handles look like "
                                                                 "PLATFORM:NATIVE_ID (the last line `dlaunch run` prints)"});
  }
  return JobHandle{text.substr(0, colon), text.substr(colon + 1)};
}

Orchestrator::Orchestrator(OrchestratorSettings settings) : settings_(std::move(settings)) {}

const PluginCatalog& Orchestrator::catalog() {
  if (!catalog_) catalog_ = PluginCatalog::discover(plugin_search_path(settings_.plugin_dirs));
  return *catalog_;
}

Journal& Orchestrator::journal() {
  if (!journal_) {
    journal_.emplace(settings_.journal_directory.empty() ? Journal::default_directory() : settings_.journal_directory);
  }
  return *journal_;
}

Result<std::shared_ptr<Platform>> Orchestrator::platform(const std::string& id) {
  if (auto it = loaded_.find(id); it != loaded_.end()) return it->second;
  const PluginManifest* manifest = catalog().find(id);
  if (manifest == nullptr) {
    std::string message = "no plugin for platform '" + id + "' is installed";
    // A plugin directory that was refused (writable by others...) may be where the user put it: say why.
    for (const auto& problem : catalog().problems()) {
      const auto& dirs = catalog().search_path();
      if (problem.path.filename() == id || std::find(dirs.begin(), dirs.end(), problem.path) != dirs.end()) {
        message += " (" + problem.message + ")";
      }
    }
    std::vector<std::string> ids = catalog().ids();
    std::string installed;
    for (const auto& i : ids) installed += (installed.empty() ? "" : ", ") + i;
    message += "; installed: " + (installed.empty() ? std::string("none") : installed);
    std::string hint = did_you_mean(id, catalog().ids());
    if (!hint.empty()) message += "; " + hint;
    return std::unexpected(Error{ErrorCode::kInvalidRequest, message});
  }
  auto loaded = Platform::load(*manifest);
  if (!loaded) return std::unexpected(loaded.error());
  loaded_[id] = *loaded;
  return *loaded;
}

Result<std::vector<PlatformOption>> Orchestrator::declared_options(const std::string& id) {
  // A manifest that declares the options saves loading the plugin's code (and what it links) to learn them.
  if (const PluginManifest* manifest = catalog().find(id); manifest != nullptr && manifest->declares_options) {
    return manifest->options;
  }
  auto loaded = platform(id);
  if (!loaded) return std::unexpected(loaded.error());
  return (*loaded)->options();
}

void Orchestrator::platform_stage(ValidationContext& context, ValidationReport& report, const std::string& platform_id) {
  if (!context.job) return;
  Job& job = *context.job;
  apply_platform_defaults(job, platform_id, settings_.platform_defaults);
  auto loaded = platform(platform_id);
  if (!loaded) {
    if (loaded.error().code == ErrorCode::kInvalidRequest) {
      // An unknown platform is a mistake in the spec (or in -p): report it with the others.
      context.diagnostics.push_back(Diagnostic{Severity::kError, job.platform.empty() ? "" : "platform", {},
                                               loaded.error().message, ""});
    } else {
      report.failure = loaded.error();
    }
    return;
  }
  const Platform& target = **loaded;
  auto table_of = [&](const std::string& id) -> const Value* {
    auto it = job.platform_options.find(id);
    return it == job.platform_options.end() ? nullptr : &it->second;
  };
  Diagnostics found = check_platform_options(table_of(platform_id), platform_id, target.options());
  // Option tables for other platforms are checked too when their plugin is installed, so a spec that runs
  // everywhere is correct everywhere; tables for platforms not installed here only warn.
  for (const auto& [other_id, table] : job.platform_options) {
    if (other_id == platform_id) continue;
    if (catalog().find(other_id) == nullptr) {
      found.push_back(Diagnostic{Severity::kWarning, "platform." + other_id, table.location(),
                                 "options for platform '" + other_id + "', which is not installed, are not checked",
                                 did_you_mean(other_id, catalog().ids())});
      continue;
    }
    if (auto declared = declared_options(other_id)) {
      Diagnostics more = check_platform_options(&table, other_id, *declared);
      found.insert(found.end(), more.begin(), more.end());
    }
  }
  context.diagnostics.insert(context.diagnostics.end(), found.begin(), found.end());
  if (has_errors(context.diagnostics)) return;  // the plugin's own check assumes a well-formed job

  PreparedJob prepared;
  prepared.options_json = platform_options_json(job, platform_id, target.options());
  prepared.document = job_document(job, prepared.options_json);
  prepared.submission_id = new_submission_id(job);
  // A plugin built for an older job document would refuse this one as a whole: its manifest says which it
  // reads, so it is never sent one; a manifest that predates the claim leaves its refusal to be recognised.
  auto unreadable = [&](int readable) {
    Diagnostics fields = fields_unreadable_by(prepared.document, platform_id, readable);
    context.diagnostics.insert(context.diagnostics.end(), fields.begin(), fields.end());
    return !fields.empty();
  };
  if (unreadable(target.manifest().job_document_version)) return;
  auto plugin_findings = target.validate(prepared.document, prepared.submission_id);
  if (!plugin_findings) {
    const Error& refused = plugin_findings.error();
    auto readable = refused.code == ErrorCode::kInvalidArgument ? readable_in_refusal(refused.message) : std::nullopt;
    if (!readable || !unreadable(*readable)) report.failure = refused;
    return;
  }
  context.diagnostics.insert(context.diagnostics.end(), plugin_findings->begin(), plugin_findings->end());
  if (has_errors(context.diagnostics)) return;
  prepared.platform = *loaded;
  // The platform stage is the last: the prepared job takes the context's (a copy costs as much as the spec's
  // environment is large).
  prepared.job = std::move(job);
  context.job.reset();
  report.prepared = std::move(prepared);
}

ValidationReport Orchestrator::validate_file(const std::string& spec_file, const std::string& platform_override,
                                             const std::vector<std::string>& overrides) {
  return validate_spec(SpecRequest{spec_file, std::nullopt, platform_override, overrides, {}});
}

ValidationReport Orchestrator::validate_spec(const SpecRequest& request) {
  const std::string& spec_file = request.spec_file;
  const std::string& platform_override = request.platform_override;
  ValidationReport report;
  ValidationContext context;
  context.spec_file = spec_file;
  context.spec_text = request.text;
  context.overrides = request.overrides;
  context.driver_args = request.driver_args;
  context.platform_override = platform_override;
  ValidationPipeline pipeline = ValidationPipeline::for_spec_file();
  pipeline.add("platform", [&](ValidationContext& c) {
    if (c.job) platform_stage(c, report, effective_platform(*c.job, platform_override));
  });
  pipeline.run(context);
  if (context.unreadable) {
    // One message says it all; it is the failure, not a diagnostic of the file's content.
    report.failure = Error{ErrorCode::kUnreadable,
                           context.diagnostics.empty() ? "cannot read " + spec_file : context.diagnostics.front().message};
    context.diagnostics.clear();
  }
  report.diagnostics = std::move(context.diagnostics);
  report.sweep = std::move(context.sweep);
  if (has_errors(report.diagnostics)) report.prepared.reset();
  return report;
}

ValidationReport Orchestrator::validate_job(const Job& job, const std::string& platform_override) {
  ValidationReport report;
  ValidationContext context;
  context.job = job;
  context.platform_override = platform_override;
  ValidationPipeline pipeline = ValidationPipeline::for_built_job();
  pipeline.add("platform", [&](ValidationContext& c) { platform_stage(c, report, effective_platform(job, platform_override)); });
  pipeline.run(context);
  report.diagnostics = std::move(context.diagnostics);
  if (has_errors(report.diagnostics)) report.prepared.reset();
  return report;
}

Result<std::string> Orchestrator::dry_run(const PreparedJob& prepared) {
  return prepared.platform->dry_run(prepared.document, prepared.submission_id);
}

Result<Submission> Orchestrator::submit(const PreparedJob& prepared) {
  const Platform& target = *prepared.platform;
  JournalEntry entry;
  entry.submission_id = prepared.submission_id;
  entry.platform = target.id();
  entry.job_name = prepared.job.name;
  entry.spec_file = prepared.job.spec_file.empty() ? "" : std::filesystem::absolute(prepared.job.spec_file).string();
  entry.options_json = redacted_options_json(prepared.options_json, target.options());
  // What the platform is handed, as `dlaunch ui` shows it later, its secrets (options, environment) as "***":
  // only `dlaunch ui` reads it back; nothing is resubmitted or restarted from it (a platform restarts from what
  // it was handed, local from its own copy).
  entry.document_json = shown_job_document(prepared.job, prepared.options_json, target.options());
  entry.created_ms = entry.updated_ms = now_ms();
  auto record = [&] {
    std::lock_guard lock(*journal_mutex_);
    return journal().put(entry);
  };
  // Held until the outcome is journaled: an intent nobody holds is a submit that died (resolve_intents).
  auto in_flight = [&] {
    std::lock_guard lock(*journal_mutex_);
    return SubmitLock::acquire(journal().directory(), entry.submission_id);
  }();
  if (!in_flight) return std::unexpected(in_flight.error());
  // The intent is on disk before the platform hears of the job: a crash from here on leaves a record.
  if (auto written = record(); !written) return std::unexpected(written.error());
  auto native_id = target.submit(prepared.document, prepared.submission_id);
  entry.updated_ms = now_ms();
  if (!native_id) {
    Error failure = native_id.error();
    if (outcome_unknown(failure.code) && target.finds_submissions()) {
      // The request may have reached the platform (a Ctrl-C, a connection lost or an answer that never came):
      // the intent stays, for the next list to ask the platform what became of it (resolve_intents).
      failure.message += "; whether " + entry.platform + " got the job (submission " + entry.submission_id +
                         ") is known at the next `dlaunch list`";
      return std::unexpected(std::move(failure));
    }
    entry.state = JournalEntry::State::kFailed;
    entry.error = failure.message;
    (void)record();  // the submit's own error is the one worth reporting
    return std::unexpected(std::move(failure));
  }
  entry.state = JournalEntry::State::kSubmitted;
  entry.native_id = *native_id;
  {
    std::lock_guard lock(*journal_mutex_);
    submitted_options_[entry.handle()] = prepared.options_json;
  }
  if (auto written = record(); !written) {
    return std::unexpected(Error{ErrorCode::kInternal, "job " + entry.handle() +
                                                           " was submitted, but the journal could not record it: " +
                                                           written.error().message});
  }
  return Submission{entry.handle(), entry.platform, entry.native_id, entry.submission_id};
}

std::vector<Result<Submission>> Orchestrator::submit_all(const std::vector<const PreparedJob*>& jobs,
                                                        const std::function<void(std::size_t)>& on_done) {
  constexpr std::size_t kAtOnce = 8;
  std::vector<Result<Submission>> results(jobs.size(), std::unexpected(Error{ErrorCode::kInternal, "not submitted"}));
  std::atomic<std::size_t> next{0};
  std::mutex done_mutex;
  std::condition_variable finished;
  std::size_t done = 0;
  auto worker = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      results[i] = submit(*jobs[i]);
      std::lock_guard lock(done_mutex);
      ++done;
      finished.notify_one();
    }
  };
  std::vector<std::jthread> workers;
  for (std::size_t n = 0; n < std::min(kAtOnce, jobs.size()); ++n) workers.emplace_back(worker);
  for (std::size_t reported = 0; reported < jobs.size();) {
    std::unique_lock lock(done_mutex);
    finished.wait(lock, [&] { return done > reported; });
    reported = done;
    lock.unlock();
    if (on_done) on_done(reported);
  }
  return results;
}

Result<std::vector<JournalEntry>> Orchestrator::sweep_jobs(const std::string& sweep_id) {
  auto entries = journal().with_submission_prefix(sweep_submission_prefix(sweep_id));
  if (!entries) return entries;
  if (entries->empty()) {
    return std::unexpected(Error{ErrorCode::kNotFound, "this machine's journal holds no sweep '" + sweep_id +
                                                           "' (`dlaunch list` shows the sweeps it holds)"});
  }
  // By index: "-10" sorts before "-2" as text.
  auto index = [](const JournalEntry& e) {
    std::size_t i = 0;
    const std::string& id = e.submission_id;
    std::from_chars(id.data() + id.rfind('-') + 1, id.data() + id.size(), i);
    return i;
  };
  std::stable_sort(entries->begin(), entries->end(),
                   [&](const JournalEntry& a, const JournalEntry& b) { return index(a) < index(b); });
  return entries;
}

Result<std::string> Orchestrator::options_for(const JobHandle& handle, const Platform& platform) {
  std::optional<JournalEntry> journaled;
  if (!handle.native_id.empty()) {
    if (auto entry = journal().find(handle.text()); entry && *entry) journaled = std::move(**entry);
  }
  return options_for(handle, platform, journaled ? &*journaled : nullptr);
}

Result<std::string> Orchestrator::options_for(const JobHandle& handle, const Platform& platform,
                                              const JournalEntry* journaled_entry, bool overridden) {
  Job bare;
  Value recorded = Value::table();
  std::optional<std::string> submitted;
  {
    std::lock_guard lock(*journal_mutex_);
    if (auto it = submitted_options_.find(handle.text()); it != submitted_options_.end()) submitted = it->second;
  }
  if (submitted) {
    auto options = parse_spec(*submitted, SpecFormat::kJson, "<submitted>");
    if (options && options->is_table()) recorded = std::move(*options);
  } else if (journaled_entry != nullptr) {
    auto journaled = parse_spec(journaled_entry->options_json, SpecFormat::kJson, "<journal>");
    if (journaled && journaled->is_table()) {
      // The journal keeps secrets as "***": drop them, so the plugin falls back to the user's
      // configuration and environment for its credentials.
      for (const auto& option : platform.options()) {
        if (option.secret) journaled->erase(option.name);
      }
      recorded = std::move(*journaled);
    }
  }
  if (overridden && !settings_.option_overrides.empty()) {
    // Only this platform's options can be set here; anything else would be silently ignored.
    Diagnostics found;
    const std::string prefix = "platform." + handle.platform + ".";
    for (size_t i = 0; i < settings_.option_overrides.size(); ++i) {
      const std::string& text = settings_.option_overrides[i];
      if (!text.starts_with(prefix)) {
        found.push_back(Diagnostic{Severity::kError, "", {"<override " + std::to_string(i + 1) + ">", 1, 1},
                                   "'" + text.substr(0, text.find('=')) + "' cannot be set here",
                                   "a command on " + (handle.native_id.empty() ? "platform '" + handle.platform + "'"
                                                                               : "job " + handle.text()) +
                                       " takes only " + prefix + "OPTION=VALUE"});
      }
    }
    if (found.empty()) {
      Value root = Value::table();
      root.set("platform", Value::table()).set(handle.platform, std::move(recorded));
      found = apply_overrides(root, settings_.option_overrides);
      recorded = std::move(*root.find("platform")->find(handle.platform));
      Diagnostics checked = check_platform_options(&recorded, handle.platform, platform.options());
      found.insert(found.end(), checked.begin(), checked.end());
    }
    if (has_errors(found)) {
      return std::unexpected(Error{ErrorCode::kInvalidArgument, "invalid --set for platform '" + handle.platform + "'",
                                   std::move(found)});
    }
  }
  if (!recorded.members().empty()) bare.platform_options.emplace(handle.platform, std::move(recorded));
  // Then the user's configured defaults and the declared ones, for whatever the journal does not say.
  apply_platform_defaults(bare, handle.platform, settings_.platform_defaults);
  return platform_options_json(bare, handle.platform, platform.options());
}

std::optional<Error> Orchestrator::misnamed_platform(const JobHandle& handle) {
  if (handle.native_id.empty()) return std::nullopt;
  // The journal only helps here; when it cannot be read, the platform gives the real answer.
  auto exact = journal().find(handle.text());
  if (!exact || *exact) return std::nullopt;
  auto same_id = journal().find_native_id(handle.native_id);
  if (!same_id || same_id->empty()) return std::nullopt;
  const JournalEntry& e = same_id->front();
  return Error{ErrorCode::kNotFound, "job '" + handle.native_id + "' was submitted to platform '" + e.platform +
                                         "', not '" + handle.platform + "'; did you mean '" + e.handle() + "'?"};
}

Error Orchestrator::with_journal_hint(const JobHandle& handle, Error failure) {
  if (failure.code != ErrorCode::kNotFound) return failure;
  // A mistyped handle is most likely one of the recent jobs; the newest ones bound the cost in a long journal.
  constexpr std::size_t kCandidates = 1000;
  JournalQuery newest;
  newest.limit = kCandidates;
  auto entries = journal().entries(newest);
  if (!entries) return failure;
  std::vector<std::string> handles;
  for (const auto& e : *entries) {
    if (!e.handle().empty() && e.handle() != handle.text()) handles.push_back(e.handle());
  }
  if (std::string hint = did_you_mean(handle.text(), handles); !hint.empty()) failure.message += "; " + hint;
  return failure;
}

Result<Orchestrator::Target> Orchestrator::target_of(const JobHandle& handle) {
  if (auto misnamed = misnamed_platform(handle)) return std::unexpected(*misnamed);
  auto loaded = platform(handle.platform);
  if (!loaded) return std::unexpected(loaded.error());
  auto options = options_for(handle, **loaded);
  if (!options) return std::unexpected(options.error());
  return Target{*loaded, *options};
}

Result<JobHandle> Orchestrator::platform_handle(const JobHandle& asked) {
  // The journal only helps here: when it cannot be read or written, the platform is asked as before.
  auto intent = settled_intent(asked);
  if (!intent || !*intent) return asked;
  const JournalEntry& entry = **intent;
  if (entry.state == JournalEntry::State::kFailed) return std::unexpected(Error{ErrorCode::kNotFound, entry.error});
  if (entry.state == JournalEntry::State::kSubmitted) return JobHandle{entry.platform, entry.native_id};
  // Still an intent (its platform cannot tell): asked by the handle as given, which is the job's own where the
  // platform takes the submission id as its id (Ray).
  return asked;
}

Result<JobStatus> Orchestrator::status(const JobHandle& asked) {
  auto handle = platform_handle(asked);
  if (!handle) return std::unexpected(handle.error());
  auto status = platform_status(*handle);
  if (!status) return std::unexpected(with_intent_hint(*handle, status.error()));
  return status;
}

Error Orchestrator::with_intent_hint(const JobHandle& handle, Error failure) {
  // Within the grace period a platform's "no such job" about a cut-short submit is not final: a request the
  // killed dlaunch sent may still land. Say so, as a condition worth retrying, rather than as an answer.
  if (failure.code != ErrorCode::kNotFound) return failure;
  auto found = journal().find(handle.native_id);
  if (!found || !*found || (*found)->state != JournalEntry::State::kIntent || (*found)->platform != handle.platform) {
    return failure;
  }
  return Error{ErrorCode::kTemporary,
               "the submit of '" + handle.native_id + "' to " + handle.platform + " was cut short, and " +
                   handle.platform + " holds no job of it yet; a request it sent may still land, so that is known " +
                   "only settle_grace_seconds after it was found cut short: ask again later (or run dlaunch list)"};
}

Result<JobStatus> Orchestrator::platform_status(const JobHandle& handle) {
  auto target = target_of(handle);
  if (!target) return std::unexpected(target.error());
  auto status = target->platform->status(handle.native_id, target->options_json);
  if (!status) return std::unexpected(with_journal_hint(handle, status.error()));
  return status;
}

Result<JobStatus> Orchestrator::wait(const JobHandle& asked, const std::function<void(const JobStatus&)>& on_update,
                                     std::chrono::milliseconds longest_interval) {
  auto settled = platform_handle(asked);  // once: the polls below ask the platform alone
  if (!settled) return std::unexpected(settled.error());
  const JobHandle& handle = *settled;
  auto target = target_of(handle);
  if (!target) return std::unexpected(target.error());
  // A plugin that can be told of a change (ABI 1.2's wait_for_change) is asked to wait for one between status
  // calls; it is asked again at least every kEventWaitLongest, so that a progress line's clock moves. A state
  // this host does not know cannot be handed back to compare with: that round polls.
  const bool told = target->platform->waits_for_change();
  constexpr auto kEventWaitLongest = std::chrono::milliseconds(1000);
  // Otherwise the host polls; a short job ends within its first few milliseconds, a long one needs no
  // fine-grained look. The interval starts at 1 ms and grows by half up to `longest_interval`: a job that ends
  // after t is seen by about 1.5 t (t + longest_interval at most), for 15 status calls in the first second and
  // then one per `longest_interval`.
  constexpr auto kFirstInterval = std::chrono::microseconds(1000);
  // How often Ctrl-C is looked for during a long interval.
  constexpr auto kCancelCheck = std::chrono::milliseconds(50);
  auto cancelled = [&] { return Error{ErrorCode::kCancelled, "interrupted while waiting for " + handle.text()}; };
  std::chrono::microseconds interval = std::min<std::chrono::microseconds>(kFirstInterval, longest_interval);
  while (true) {
    auto current = platform_status(handle);
    if (!current) return std::unexpected(with_intent_hint(handle, current.error()));
    if (on_update) on_update(*current);
    if (current->terminal()) return current;
    if (told && current->state != JobState::kUnknown) {
      const auto asked_at = std::chrono::steady_clock::now();
      auto waited = target->platform->wait_for_change(handle.native_id, target->options_json, *current,
                                                      std::max(longest_interval, kEventWaitLongest));
      if (!waited && waited.error().code == ErrorCode::kCancelled) return std::unexpected(cancelled());
      if (!waited) return std::unexpected(with_journal_hint(handle, waited.error()));
      // The host does not leave Ctrl-C to the plugin alone; and a plugin whose wait returns at once every
      // time would make this loop spin, so such a round is paced as a poll is.
      if (host::cancellation_requested()) return std::unexpected(cancelled());
      if (std::chrono::steady_clock::now() - asked_at >= kFirstInterval) continue;
    }
    const auto until = std::chrono::steady_clock::now() + interval;
    for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
      if (host::cancellation_requested()) return std::unexpected(cancelled());
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kCancelCheck));
    }
    interval = std::min<std::chrono::microseconds>(interval * 3 / 2, longest_interval);
  }
}

Result<void> Orchestrator::logs(const JobHandle& handle, bool follow,
                                const std::function<bool(std::string_view)>& on_output) {
  auto target = target_of(handle);
  if (!target) return std::unexpected(target.error());
  auto streamed = target->platform->logs(handle.native_id, target->options_json, follow, on_output);
  if (!streamed) return std::unexpected(with_journal_hint(handle, streamed.error()));
  return streamed;
}

Result<void> Orchestrator::stop(const JobHandle& handle) {
  auto target = target_of(handle);
  if (!target) return std::unexpected(target.error());
  auto stopped = target->platform->stop(handle.native_id, target->options_json);
  if (!stopped) return std::unexpected(with_journal_hint(handle, stopped.error()));
  return stopped;
}

Result<void> Orchestrator::delete_job(const JobHandle& handle) {
  auto target = target_of(handle);
  if (!target) return std::unexpected(target.error());
  auto deleted = target->platform->delete_job(handle.native_id, target->options_json);
  if (!deleted) return std::unexpected(with_journal_hint(handle, deleted.error()));
  return deleted;
}

Result<std::vector<JobStatus>> Orchestrator::list(const std::string& platform_id) {
  auto target = target_of(JobHandle{platform_id, ""});
  if (!target) return std::unexpected(target.error());
  auto jobs = target->platform->list(target->options_json);
  if (!jobs) return jobs;
  // Newest first; a job not started yet (no start time) is newer than any that has.
  auto started = [](const JobStatus& s) { return s.start_time_ms > 0 ? s.start_time_ms : INT64_MAX; };
  std::stable_sort(jobs->begin(), jobs->end(),
                   [&](const JobStatus& a, const JobStatus& b) { return started(a) > started(b); });
  return *jobs;
}

}  // namespace dlaunch
