#include <dlaunch/core/platform.hpp>
#include <dlaunch/core/plugin_host.hpp>
#include <dlaunch/key_path.hpp>
#include <dlaunch/plugin.h>

#include "plugins/gnutls_deferred_init.hpp"
#include "plugins/host_state.hpp"
#include "support/paths.hpp"

// boost/dll/library_info.hpp (pulled in by some Boost.DLL headers in 1.74) needs <vector> first.
#include <vector>

#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

namespace dlaunch {
namespace {

// The host's own ABI version.
constexpr uint32_t kHostAbiMajor = DLAUNCH_ABI_MAJOR;
constexpr uint32_t kHostAbiMinor = DLAUNCH_ABI_MINOR;

}  // namespace

namespace host {
namespace {

std::atomic<int32_t> g_log_level{DLAUNCH_LOG_WARNING};
// Set from a signal handler and read by plugins from any thread (is_cancelled is [thread-safe]): a lock-free
// atomic is both async-signal-safe and free of data races, which volatile sig_atomic_t is not across threads.
std::atomic<bool> g_cancelled{false};
static_assert(std::atomic<bool>::is_always_lock_free);
// The flag of the innermost CancellationScope of this thread, or null.
thread_local const std::atomic<bool>* t_scope_flag = nullptr;

// A level from a newer minor is printed as an error (plugin.h).
int32_t known_level(int32_t level) {
  return level >= DLAUNCH_LOG_DEBUG && level <= DLAUNCH_LOG_ERROR ? level : DLAUNCH_LOG_ERROR;
}

const char* level_name(int32_t level) {
  switch (level) {
    case DLAUNCH_LOG_DEBUG:
      return "debug";
    case DLAUNCH_LOG_INFO:
      return "info";
    case DLAUNCH_LOG_WARNING:
      return "warning";
    default:
      return "error";
  }
}

}  // namespace

bool cancellation_requested() noexcept {
  return g_cancelled.load() || (t_scope_flag != nullptr && t_scope_flag->load());
}

}  // namespace host

void set_plugin_log_level(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      host::g_log_level = DLAUNCH_LOG_DEBUG;
      break;
    case LogLevel::kInfo:
      host::g_log_level = DLAUNCH_LOG_INFO;
      break;
    case LogLevel::kWarning:
      host::g_log_level = DLAUNCH_LOG_WARNING;
      break;
    case LogLevel::kError:
      host::g_log_level = DLAUNCH_LOG_ERROR;
      break;
  }
}

void request_cancellation() noexcept { host::g_cancelled.store(true); }

CancellationScope::CancellationScope(const std::atomic<bool>& flag) noexcept : outer_(host::t_scope_flag) {
  host::t_scope_flag = &flag;
}

CancellationScope::~CancellationScope() { host::t_scope_flag = outer_; }

namespace {

// What the host hands one plugin; lives for the process, like the plugin. host_data points at `id` so that
// log lines can name the plugin.
struct HostTable {
  dlaunch_host_api api{};
  std::string id;
  std::string plugin_dir;
  std::string state_dir;
};

void host_log(const dlaunch_host_api* api, int32_t level, const char* message) {
  level = host::known_level(level);
  if (level < host::g_log_level || message == nullptr) return;
  const auto* id = static_cast<const std::string*>(api->host_data);
  std::fprintf(stderr, "dlaunch: %s: %s: %s\n", id->c_str(), host::level_name(level), message);
}

bool host_is_cancelled(const dlaunch_host_api*) { return host::cancellation_requested(); }

// Every library ever loaded stays here until the process ends: plugins are never unloaded (their error
// objects, strings and static tables must outlive every use).
std::mutex g_load_mutex;
std::vector<boost::dll::shared_library>& loaded_libraries() {
  static auto* libraries = new std::vector<boost::dll::shared_library>();
  return *libraries;
}
std::vector<HostTable*>& host_tables() {
  static auto* tables = new std::vector<HostTable*>();
  return *tables;
}
// One Platform per plugin library for the process, initialised once: every Orchestrator (each session of the
// client API, and Python opens one per wait or follow) shares it, instead of initialising the plugin again and
// making it another host table each time. Guarded by g_load_mutex.
std::map<std::filesystem::path, std::shared_ptr<Platform>>& loaded_platforms() {
  static auto* platforms = new std::map<std::filesystem::path, std::shared_ptr<Platform>>();
  return *platforms;
}

constexpr uint32_t kKnownOptionFlags = DLAUNCH_OPTION_REQUIRED | DLAUNCH_OPTION_SECRET;

std::string abi_string(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::optional<std::string> check_table(const dlaunch_plugin_api* api, const PluginManifest& manifest) {
  const std::string who = "plugin '" + manifest.id + "' (" + manifest.library.string() + ")";
  if (api == nullptr) {
    return who + " declined to serve this host (its entry returned NULL for ABI " +
           abi_string(kHostAbiMajor, kHostAbiMinor) + ")";
  }
  if (api->struct_size < DLAUNCH_PLUGIN_API_SIZE_1_0) {
    return who + " returned a plugin table of " + std::to_string(api->struct_size) + " bytes, smaller than ABI 1.0's " +
           std::to_string(DLAUNCH_PLUGIN_API_SIZE_1_0);
  }
  if (api->abi_major != kHostAbiMajor) {
    return who + " was built for plugin ABI " + abi_string(api->abi_major, api->abi_minor) + "; this dlaunch provides " +
           abi_string(kHostAbiMajor, kHostAbiMinor) + " (the major versions must match)";
  }
  if (api->min_host_minor > api->abi_minor) {
    return who + " returned an inconsistent plugin table: it needs host ABI minor " +
           std::to_string(api->min_host_minor) + " but was built for ABI " + abi_string(api->abi_major, api->abi_minor) +
           " (min_host_minor must not exceed abi_minor)";
  }
  if (api->min_host_minor > kHostAbiMinor) {
    return who + " needs plugin ABI " + abi_string(api->abi_major, api->min_host_minor) + " or newer; this dlaunch provides " +
           abi_string(kHostAbiMajor, kHostAbiMinor) + " (upgrade dlaunch or use an older plugin)";
  }
  if (api->id == nullptr || manifest.id != api->id) {
    return who + " calls itself '" + std::string(api->id != nullptr ? api->id : "") +
           "' but its manifest says '" + manifest.id + "'";
  }
  const void* required[] = {reinterpret_cast<const void*>(api->init),       reinterpret_cast<const void*>(api->validate),
                            reinterpret_cast<const void*>(api->dry_run),    reinterpret_cast<const void*>(api->submit),
                            reinterpret_cast<const void*>(api->status),     reinterpret_cast<const void*>(api->logs),
                            reinterpret_cast<const void*>(api->stop),       reinterpret_cast<const void*>(api->delete_job),
                            reinterpret_cast<const void*>(api->list),       reinterpret_cast<const void*>(api->error_code),
                            reinterpret_cast<const void*>(api->error_message),
                            reinterpret_cast<const void*>(api->error_destroy)};
  for (const void* fn : required) {
    if (fn == nullptr) return who + " has an incomplete plugin table (a required operation is NULL)";
  }
  // An option type or flag from a newer minor: this host could neither check the option's values nor honour
  // the flag (a secret it would print), so it refuses the plugin rather than guess (plugin.h).
  for (const dlaunch_option_desc* const* it = api->options; it != nullptr && *it != nullptr; ++it) {
    const dlaunch_option_desc* d = *it;
    if (d->struct_size < DLAUNCH_OPTION_DESC_SIZE_1_0 || d->name == nullptr) continue;
    if (d->type < DLAUNCH_OPTION_STRING || d->type > DLAUNCH_OPTION_ANY) {
      return who + " declares option '" + d->name + "' of type " + std::to_string(d->type) +
             ", which this dlaunch does not know (plugin ABI " + abi_string(kHostAbiMajor, kHostAbiMinor) + ")";
    }
    if ((d->flags & ~kKnownOptionFlags) != 0) {
      return who + " declares option '" + d->name + "' with flags " + std::to_string(d->flags) +
             ", which this dlaunch does not know (plugin ABI " + abi_string(kHostAbiMajor, kHostAbiMinor) + ")";
    }
  }
  return std::nullopt;
}

// A type from a newer minor never gets here: check_table refuses the plugin (plugin.h).
OptionType option_type_of(int32_t type) {
  switch (type) {
    case DLAUNCH_OPTION_STRING:
      return OptionType::kString;
    case DLAUNCH_OPTION_INTEGER:
      return OptionType::kInteger;
    case DLAUNCH_OPTION_NUMBER:
      return OptionType::kNumber;
    case DLAUNCH_OPTION_BOOLEAN:
      return OptionType::kBoolean;
    case DLAUNCH_OPTION_STRING_ARRAY:
      return OptionType::kStringArray;
    case DLAUNCH_OPTION_STRING_TABLE:
      return OptionType::kStringTable;
    default:
      return OptionType::kAny;
  }
}

std::vector<PlatformOption> read_options(const dlaunch_plugin_api* api) {
  std::vector<PlatformOption> out;
  if (api->options == nullptr) return out;
  for (const dlaunch_option_desc* const* it = api->options; *it != nullptr; ++it) {
    const dlaunch_option_desc* d = *it;
    if (d->struct_size < DLAUNCH_OPTION_DESC_SIZE_1_0 || d->name == nullptr) continue;
    out.push_back(PlatformOption{d->name, option_type_of(d->type), (d->flags & DLAUNCH_OPTION_REQUIRED) != 0,
                                 (d->flags & DLAUNCH_OPTION_SECRET) != 0,
                                 d->default_json != nullptr ? d->default_json : "", d->help != nullptr ? d->help : ""});
  }
  return out;
}

// Sinks: C callbacks that feed C++ containers. The context is always the object named in each.
bool append_text(void* context, const char* data, size_t size) {
  static_cast<std::string*>(context)->append(data, size);
  return true;
}

bool forward_text(void* context, const char* data, size_t size) {
  const auto& callback = *static_cast<const std::function<bool(std::string_view)>*>(context);
  return callback(std::string_view(data, size));
}

// A plugin's code in the core's terms. A code from a newer minor is INTERNAL (plugin.h).
ErrorCode error_code_of(int32_t code) {
  switch (code) {
    case DLAUNCH_ERR_INVALID_ARGUMENT:
      return ErrorCode::kInvalidArgument;
    case DLAUNCH_ERR_NOT_FOUND:
      return ErrorCode::kNotFound;
    case DLAUNCH_ERR_UNAVAILABLE:
      return ErrorCode::kUnavailable;
    case DLAUNCH_ERR_UNAUTHENTICATED:
      return ErrorCode::kUnauthenticated;
    case DLAUNCH_ERR_TEMPORARY:
      return ErrorCode::kTemporary;
    case DLAUNCH_ERR_FAILED_PRECONDITION:
      return ErrorCode::kFailedPrecondition;
    case DLAUNCH_ERR_UNIMPLEMENTED:
      return ErrorCode::kUnimplemented;
    case DLAUNCH_ERR_CANCELLED:
      return ErrorCode::kCancelled;
    default:
      return ErrorCode::kInternal;
  }
}

// A state from a newer minor is UNKNOWN (plugin.h).
JobState job_state_of(int32_t state) {
  switch (state) {
    case DLAUNCH_STATE_PENDING:
      return JobState::kPending;
    case DLAUNCH_STATE_RUNNING:
      return JobState::kRunning;
    case DLAUNCH_STATE_SUCCEEDED:
      return JobState::kSucceeded;
    case DLAUNCH_STATE_FAILED:
      return JobState::kFailed;
    case DLAUNCH_STATE_STOPPED:
      return JobState::kStopped;
    default:
      return JobState::kUnknown;
  }
}

int32_t c_state_of(JobState state) {
  switch (state) {
    case JobState::kPending:
      return DLAUNCH_STATE_PENDING;
    case JobState::kRunning:
      return DLAUNCH_STATE_RUNNING;
    case JobState::kSucceeded:
      return DLAUNCH_STATE_SUCCEEDED;
    case JobState::kFailed:
      return DLAUNCH_STATE_FAILED;
    case JobState::kStopped:
      return DLAUNCH_STATE_STOPPED;
    default:
      return DLAUNCH_STATE_UNKNOWN;
  }
}

// Takes the plugin's error object, destroying it through the plugin that made it.
Error take_error(const dlaunch_plugin_api* api, dlaunch_error* error) {
  const char* message = api->error_message(error);
  Error taken(error_code_of(api->error_code(error)), message != nullptr ? message : "(no message)");
  api->error_destroy(error);
  return taken;
}

// A severity from a newer minor counts as an error (plugin.h): a finding the host cannot rank must not let
// the job through.
void collect_diagnostic(void* context, int32_t severity, const char* path, const char* message, const char* hint) {
  static_cast<Diagnostics*>(context)->push_back(
      Diagnostic{severity == DLAUNCH_SEVERITY_WARNING ? Severity::kWarning : Severity::kError, path != nullptr ? path : "",
                 {}, message != nullptr ? message : "", hint != nullptr ? hint : ""});
}


// A record smaller than ABI 1.0's is malformed; it is dropped, and the caller reports the missing status.
// Only the fields struct_size covers are read.
bool collect_status(void* context, const dlaunch_job_status* c) {
  if (c == nullptr || c->struct_size < DLAUNCH_JOB_STATUS_SIZE_1_0) return true;
  auto text = [](const char* p) { return p != nullptr ? std::string(p) : std::string(); };
  JobStatus status;
  status.native_id = text(c->native_id);
  status.name = text(c->name);
  status.state = job_state_of(c->state);
  if (c->has_exit_code) status.exit_code = c->exit_code;
  status.restarts = c->restarts;
  status.native_state = text(c->native_state);
  status.message = text(c->message);
  status.submitted_by_dlaunch = c->submitted_by_dlaunch;
  status.start_time_ms = c->start_time_ms;
  status.end_time_ms = c->end_time_ms;
  if (DLAUNCH_HAS_FIELD(dlaunch_job_status, c, submission_id)) status.submission_id = text(c->submission_id);
  static_cast<std::vector<JobStatus>*>(context)->push_back(std::move(status));
  return true;
}

// find_submissions' answer: a record that names no id it was asked about, or one of them twice, or is too small
// to name one, makes the whole answer worthless (the host would settle intents from it), so the first such
// problem stops the plugin and is its error.
struct FoundSubmissions {
  std::set<std::string> asked;
  std::set<std::string> reported;
  std::vector<JobStatus> found;
  std::string problem;
};

bool collect_found(void* context, const dlaunch_job_status* c) {
  auto& answer = *static_cast<FoundSubmissions*>(context);
  if (!answer.problem.empty()) return false;  // a plugin that reports on after the refusal: the first one stands
  if (c == nullptr || c->struct_size < DLAUNCH_JOB_STATUS_SIZE_1_1) {
    answer.problem = "a record smaller than ABI 1.1's, which cannot name its submission id";
  } else if (c->submission_id == nullptr || c->native_id == nullptr || c->native_id[0] == '\0') {
    answer.problem = "a record without its submission id or native id";
  } else if (!answer.asked.contains(c->submission_id)) {
    answer.problem = std::string("a record of submission '") + c->submission_id + "', which it was not asked about";
  } else if (!answer.reported.insert(c->submission_id).second) {
    answer.problem = std::string("submission '") + c->submission_id + "' twice";
  } else {
    return collect_status(&answer.found, c);
  }
  return false;
}

dlaunch_text_sink text_sink(bool (*write)(void*, const char*, size_t), void* context) {
  return dlaunch_text_sink{DLAUNCH_TEXT_SINK_SIZE_1_0, context, write};
}

dlaunch_job_args job_args(std::string_view job_json, const std::string& submission_id) {
  // job_json must be NUL-terminated for the plugin: callers pass a std::string's view.
  return dlaunch_job_args{DLAUNCH_JOB_ARGS_SIZE_1_0, job_json.data(), job_json.size(), submission_id.c_str()};
}

}  // namespace

Result<std::shared_ptr<Platform>> Platform::load(const PluginManifest& manifest) {
  const std::string who = "plugin '" + manifest.id + "'";
  auto refuse = [](std::string message) { return std::unexpected(Error{ErrorCode::kInternal, std::move(message)}); };
  if (manifest.abi_major != kHostAbiMajor) {
    return refuse(who + " is built for plugin ABI " + abi_string(manifest.abi_major, manifest.abi_minor) +
                           "; this dlaunch provides " + abi_string(kHostAbiMajor, kHostAbiMinor) +
                           " (the major versions must match)");
  }
  if (manifest.min_host_minor > kHostAbiMinor) {
    return refuse(who + " needs plugin ABI " + abi_string(manifest.abi_major, manifest.min_host_minor) +
                           " or newer; this dlaunch provides " + abi_string(kHostAbiMajor, kHostAbiMinor) +
                           " (upgrade dlaunch or use an older plugin)");
  }
  if (auto reason = untrusted_reason(manifest.library)) return refuse(who + " refused: " + *reason);

  std::lock_guard<std::mutex> lock(g_load_mutex);
  if (auto it = loaded_platforms().find(manifest.library); it != loaded_platforms().end()) {
    // The library's table names one plugin: a manifest naming another for it is refused as on the first load.
    if (it->second->id() != manifest.id) {
      return refuse(who + " calls itself '" + it->second->id() + "' but its manifest says '" + manifest.id + "'");
    }
    return it->second;
  }
  boost::dll::shared_library library;
  std::error_code ec;  // Boost.DLL uses std types under BOOST_DLL_USE_STD_FS
  {
    plugins::GnutlsDeferredInit deferred;
    library.load(manifest.library, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  }
  if (ec) {
    // Boost.DLL keeps only an errno-like code; dlopen's own message says why (not ELF, missing symbol...).
    void* probe = dlopen(manifest.library.c_str(), RTLD_NOW | RTLD_LOCAL);
    const char* why = probe == nullptr ? dlerror() : nullptr;
    return refuse(who + ": cannot load " + manifest.library.string() + ": " + (why != nullptr ? why : ec.message()));
  }
  if (!library.has(DLAUNCH_ENTRY_SYMBOL)) {
    loaded_libraries().push_back(std::move(library));
    return refuse(who + ": " + manifest.library.string() + " does not export " DLAUNCH_ENTRY_SYMBOL
                           " — it is not a dlaunch plugin, or it was built without the SDK's export macro");
  }
  auto entry = library.get<const dlaunch_plugin_api*(uint32_t, uint32_t)>(DLAUNCH_ENTRY_SYMBOL);
  loaded_libraries().push_back(std::move(library));
  const dlaunch_plugin_api* api = entry(kHostAbiMajor, kHostAbiMinor);
  if (auto problem = check_table(api, manifest)) return refuse(*problem);
  std::vector<PlatformOption> options = read_options(api);
  if (manifest.declares_options) {
    if (auto difference = first_option_difference(manifest.options, options)) {
      return refuse(who + " (" + manifest.library.string() + "): its option table disagrees with its manifest " +
                    manifest.manifest_path.string() + ": " + *difference +
                    " (dlaunch_add_plugin writes both from options.json: rebuild the plugin)");
    }
  }

  auto* table = new HostTable();  // lives as long as the plugin: for the process
  host_tables().push_back(table);
  table->id = manifest.id;
  table->api.struct_size = DLAUNCH_HOST_API_SIZE_1_0;
  table->api.abi_major = kHostAbiMajor;
  table->api.abi_minor = kHostAbiMinor;
  table->api.host_data = &table->id;
  table->api.host_version = DLAUNCH_VERSION;
  table->api.log = &host_log;
  table->api.is_cancelled = &host_is_cancelled;

  table->plugin_dir = manifest.directory.string();
  table->state_dir = (state_root() / "plugins" / manifest.id).string();
  if (auto created = create_private_directories(table->state_dir); !created) {
    return refuse(who + ": " + created.error().message);
  }
  dlaunch_init_args init{DLAUNCH_INIT_ARGS_SIZE_1_0, &table->api, table->plugin_dir.c_str(), table->state_dir.c_str()};

  std::shared_ptr<Platform> platform(new Platform(manifest, api, std::move(options)));
  if (dlaunch_error* error = api->init(&init)) {
    Error failure = take_error(api, error);
    failure.message = who + " failed to start: " + failure.message;
    return std::unexpected(failure);
  }
  loaded_platforms().emplace(manifest.library, platform);
  return platform;
}

Platform::Platform(PluginManifest manifest, const dlaunch_plugin_api* api, std::vector<PlatformOption> options)
    : manifest_(std::move(manifest)),
      api_(api),
      version_(api->version != nullptr ? api->version : ""),
      description_(api->description != nullptr ? api->description : ""),
      abi_major_(api->abi_major),
      abi_minor_(api->abi_minor),
      options_(std::move(options)) {}

Result<Diagnostics> Platform::validate(std::string_view job_json, std::string_view submission_id) const {
  Diagnostics found;
  std::string submission(submission_id);
  dlaunch_diagnostic_sink sink{DLAUNCH_DIAGNOSTIC_SINK_SIZE_1_0, &found, &collect_diagnostic};
  auto args = job_args(job_json, submission);
  if (dlaunch_error* error = api_->validate(&args, &sink)) return std::unexpected(take_error(api_, error));
  for (const Diagnostic& d : found) {
    // The host locates findings by their key path; a path it cannot parse is the plugin's bug.
    if (!sdk::KeyPath::parse(d.path)) {
      return std::unexpected(Error{
          ErrorCode::kInternal,
          "plugin '" + id() + "' reported a finding at a malformed key path '" + d.path + "' (" + d.message + ")"});
    }
  }
  return found;
}

Result<std::string> Platform::dry_run(std::string_view job_json, std::string_view submission_id) const {
  std::string text;
  std::string submission(submission_id);
  auto sink = text_sink(&append_text, &text);
  auto args = job_args(job_json, submission);
  if (dlaunch_error* error = api_->dry_run(&args, &sink)) return std::unexpected(take_error(api_, error));
  return text;
}

Result<std::string> Platform::submit(std::string_view job_json, std::string_view submission_id) const {
  std::string native_id;
  std::string submission(submission_id);
  auto sink = text_sink(&append_text, &native_id);
  auto args = job_args(job_json, submission);
  if (dlaunch_error* error = api_->submit(&args, &sink)) return std::unexpected(take_error(api_, error));
  if (native_id.empty()) return std::unexpected(Error{ErrorCode::kInternal, "plugin '" + id() + "' submitted but returned no job id"});
  return native_id;
}

Result<JobStatus> Platform::status(const std::string& native_id, const std::string& options_json) const {
  std::vector<JobStatus> found;
  dlaunch_status_sink sink{DLAUNCH_STATUS_SINK_SIZE_1_0, &found, &collect_status};
  dlaunch_job_ref_args args{DLAUNCH_JOB_REF_ARGS_SIZE_1_0, native_id.c_str(), options_json.c_str()};
  if (dlaunch_error* error = api_->status(&args, &sink)) return std::unexpected(take_error(api_, error));
  if (found.size() != 1) {
    return std::unexpected(Error{ErrorCode::kInternal, "plugin '" + id() + "' reported " +
                                                                   std::to_string(found.size()) +
                                                                   " statuses for one job"});
  }
  if (found.front().native_id.empty()) found.front().native_id = native_id;
  return found.front();
}

Result<void> Platform::logs(const std::string& native_id, const std::string& options_json, bool follow,
                                  const std::function<bool(std::string_view)>& on_output) const {
  auto sink = text_sink(&forward_text, const_cast<std::function<bool(std::string_view)>*>(&on_output));
  dlaunch_logs_args args{DLAUNCH_LOGS_ARGS_SIZE_1_0, native_id.c_str(), options_json.c_str(), follow};
  if (dlaunch_error* error = api_->logs(&args, &sink)) return std::unexpected(take_error(api_, error));
  return {};
}

Result<void> Platform::stop(const std::string& native_id, const std::string& options_json) const {
  dlaunch_job_ref_args args{DLAUNCH_JOB_REF_ARGS_SIZE_1_0, native_id.c_str(), options_json.c_str()};
  if (dlaunch_error* error = api_->stop(&args)) return std::unexpected(take_error(api_, error));
  return {};
}

Result<void> Platform::delete_job(const std::string& native_id, const std::string& options_json) const {
  dlaunch_job_ref_args args{DLAUNCH_JOB_REF_ARGS_SIZE_1_0, native_id.c_str(), options_json.c_str()};
  if (dlaunch_error* error = api_->delete_job(&args)) return std::unexpected(take_error(api_, error));
  return {};
}

Result<std::vector<JobStatus>> Platform::list(const std::string& options_json) const {
  std::vector<JobStatus> found;
  dlaunch_status_sink sink{DLAUNCH_STATUS_SINK_SIZE_1_0, &found, &collect_status};
  dlaunch_list_args args{DLAUNCH_LIST_ARGS_SIZE_1_0, options_json.c_str()};
  if (dlaunch_error* error = api_->list(&args, &sink)) return std::unexpected(take_error(api_, error));
  return found;
}

bool Platform::finds_submissions() const {
  return abi_minor_ >= 1 && DLAUNCH_HAS_FIELD(dlaunch_plugin_api, api_, find_submissions) &&
         api_->find_submissions != nullptr;
}

Result<std::vector<JobStatus>> Platform::find_submissions(const std::vector<std::string>& submission_ids,
                                                          const std::string& options_json, int64_t since_ms) const {
  if (!finds_submissions()) {
    return std::unexpected(Error{ErrorCode::kUnimplemented, "plugin '" + id() + "' cannot find jobs by submission id"});
  }
  std::vector<const char*> ids;
  for (const std::string& s : submission_ids) ids.push_back(s.c_str());
  FoundSubmissions answer;
  answer.asked.insert(submission_ids.begin(), submission_ids.end());
  dlaunch_status_sink sink{DLAUNCH_STATUS_SINK_SIZE_1_0, &answer, &collect_found};
  dlaunch_find_args args{DLAUNCH_FIND_ARGS_SIZE_1_1, ids.data(), ids.size(), options_json.c_str(), since_ms};
  dlaunch_error* error = api_->find_submissions(&args, &sink);
  // The plugin's own error may be only its answer to the sink's refusal: the refusal's reason is the one to tell.
  if (!answer.problem.empty()) {
    if (error != nullptr) api_->error_destroy(error);
    return std::unexpected(
        Error{ErrorCode::kInternal, "plugin '" + id() + "' answered find_submissions with " + answer.problem});
  }
  if (error != nullptr) return std::unexpected(take_error(api_, error));
  return std::move(answer.found);
}

bool Platform::waits_for_change() const {
  return abi_minor_ >= 2 && DLAUNCH_HAS_FIELD(dlaunch_plugin_api, api_, wait_for_change) &&
         api_->wait_for_change != nullptr;
}

Result<void> Platform::wait_for_change(const std::string& native_id, const std::string& options_json,
                                       const JobStatus& seen, std::chrono::milliseconds timeout) const {
  if (!waits_for_change()) {
    return std::unexpected(Error{ErrorCode::kUnimplemented, "plugin '" + id() + "' cannot wait for a job to change"});
  }
  dlaunch_wait_args args{DLAUNCH_WAIT_ARGS_SIZE_1_2, native_id.c_str(), options_json.c_str(), c_state_of(seen.state),
                         seen.restarts, static_cast<int64_t>(timeout.count())};
  if (dlaunch_error* error = api_->wait_for_change(&args)) return std::unexpected(take_error(api_, error));
  return {};
}

}  // namespace dlaunch
