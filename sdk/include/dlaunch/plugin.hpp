// Header-only C++ helper for writing a dlaunch plugin in C++.
//
// Derive from dlaunch::sdk::Plugin, override the operations, and put DLAUNCH_PLUGIN(...) in one .cpp file.
// The helper builds the C table of plugin.h, owns the error objects, and catches every exception at the
// boundary: a plugin written with it can never unwind into the host.
//
//   class MyPlatform : public dlaunch::sdk::Plugin { ... };
//   DLAUNCH_PLUGIN(MyPlatform, "myplatform", DLAUNCH_PLUGIN_VERSION, DLAUNCH_PLUGIN_DESCRIPTION)
//
// The options are declared once, in the plugin's options.json: dlaunch_add_plugin(... OPTIONS options.json)
// writes them into the manifest and into the generated header <dlaunch_plugin_options.h>, whose table
// DLAUNCH_PLUGIN hands to the host. Without that header the plugin declares no options.
#ifndef DLAUNCH_PLUGIN_HPP_
#define DLAUNCH_PLUGIN_HPP_

#include <dlaunch/job_status.hpp>
#include <dlaunch/plugin.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The plugin's error object. Each plugin library has its own (symbols are hidden), allocated and freed here.
struct dlaunch_error {
  int32_t code;
  std::string message;
};

namespace dlaunch::sdk {

// Thrown by plugin code; becomes a dlaunch_error with this code at the boundary.
class Error : public std::runtime_error {
 public:
  Error(int32_t code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int32_t code() const noexcept { return code_; }

 private:
  int32_t code_;
};

// The host's services. Valid for the life of the process once init has run.
class Host {
 public:
  explicit Host(const dlaunch_host_api* api = nullptr) : api_(api) {}
  void log(int32_t level, const std::string& message) const {
    if (api_ != nullptr && api_->log != nullptr) api_->log(api_, level, message.c_str());
  }
  void debug(const std::string& message) const { log(DLAUNCH_LOG_DEBUG, message); }
  void info(const std::string& message) const { log(DLAUNCH_LOG_INFO, message); }
  void warn(const std::string& message) const { log(DLAUNCH_LOG_WARNING, message); }
  bool cancelled() const { return api_ != nullptr && api_->is_cancelled != nullptr && api_->is_cancelled(api_); }
  // Throws Error(CANCELLED) when the user asked to stop.
  void check_cancelled() const {
    if (cancelled()) throw Error(DLAUNCH_ERR_CANCELLED, "cancelled");
  }

 private:
  const dlaunch_host_api* api_;
};

struct InitContext {
  Host host;
  std::string plugin_dir;
  std::string state_dir;
  // The host's ABI minor, as it told the entry: at least the plugin's kMinHostMinor. A plugin built against a
  // newer minor uses what that minor added only when host_abi_minor says the host has it.
  uint32_t host_abi_minor = 0;
};

// A job for validate, dry_run and submit. Views are valid for the call only.
struct JobRequest {
  std::string_view job_json;
  std::string_view submission_id;
};

// An existing job. Views are valid for the call only.
struct JobRef {
  std::string_view native_id;
  std::string_view options_json;
};


class TextOut {
 public:
  explicit TextOut(const dlaunch_text_sink* sink) : sink_(sink) {}
  // Returns false when the host wants no more output.
  bool write(std::string_view text) const { return sink_->write(sink_->context, text.data(), text.size()); }

 private:
  const dlaunch_text_sink* sink_;
};

class DiagnosticsOut {
 public:
  explicit DiagnosticsOut(const dlaunch_diagnostic_sink* sink) : sink_(sink) {}
  void error(const std::string& path, const std::string& message, const std::string& hint = {}) const {
    report(DLAUNCH_SEVERITY_ERROR, path, message, hint);
  }
  void warning(const std::string& path, const std::string& message, const std::string& hint = {}) const {
    report(DLAUNCH_SEVERITY_WARNING, path, message, hint);
  }

 private:
  void report(int32_t severity, const std::string& path, const std::string& message,
              const std::string& hint) const {
    sink_->report(sink_->context, severity, path.c_str(), message.c_str(), hint.empty() ? nullptr : hint.c_str());
  }
  const dlaunch_diagnostic_sink* sink_;
};

class StatusOut {
 public:
  explicit StatusOut(const dlaunch_status_sink* sink) : sink_(sink) {}
  // Returns false when the host wants no more records.
  bool report(const JobStatus& s) const {
    dlaunch_job_status c = to_c(s);
    return sink_->report(sink_->context, &c);
  }

 private:
  const dlaunch_status_sink* sink_;
};

// The base class of a C++ plugin. One instance lives for the whole process; operations may run concurrently.
class Plugin {
 public:
  // The oldest host minor the plugin runs on (dlaunch_plugin_api.min_host_minor). A plugin that needs what a
  // later minor added declares it by hiding this one: `static constexpr uint32_t kMinHostMinor = 1;`.
  static constexpr uint32_t kMinHostMinor = 0;
  // Whether the table offers find_submissions (ABI 1.1). A plugin that overrides find_submissions declares it by
  // hiding this one: `static constexpr bool kFindsSubmissions = true;`. Otherwise the entry stays NULL, and the
  // host knows without asking that this platform cannot say which submits reached it.
  static constexpr bool kFindsSubmissions = false;
  // Whether the table offers wait_for_change (ABI 1.2), declared the same way: `kWaitsForChange = true` with an
  // override of wait_for_change. Otherwise the entry stays NULL, and the host's waits poll status.
  static constexpr bool kWaitsForChange = false;

  virtual ~Plugin() = default;
  virtual void init(const InitContext& /*context*/) {}
  virtual void validate(const JobRequest& /*job*/, const DiagnosticsOut& /*out*/) {}
  virtual void dry_run(const JobRequest& job, const TextOut& out) = 0;
  virtual std::string submit(const JobRequest& job) = 0;
  virtual JobStatus status(const JobRef& job) = 0;
  virtual void logs(const JobRef& job, bool follow, const TextOut& out) = 0;
  virtual void stop(const JobRef& job) = 0;
  virtual void delete_job(const JobRef& /*job*/) {
    throw Error(DLAUNCH_ERR_UNIMPLEMENTED, "this platform cannot delete jobs");
  }
  virtual void list(std::string_view /*options_json*/, const StatusOut& /*out*/) {
    throw Error(DLAUNCH_ERR_UNIMPLEMENTED, "this platform cannot list jobs");
  }
  // ABI 1.1 (plugin.h, find_submissions): reports the job of each submission id the platform holds, its
  // submission_id set; throws when it cannot tell, so that a submission not reported was never accepted.
  // `since_ms`: every one of these submits began at or after it (dlaunch_find_args.since_ms).
  virtual void find_submissions(const std::vector<std::string_view>& /*submission_ids*/,
                                std::string_view /*options_json*/, int64_t /*since_ms*/, const StatusOut& /*out*/) {
    throw Error(DLAUNCH_ERR_UNIMPLEMENTED, "this platform cannot find jobs by submission id");
  }
  // ABI 1.2 (plugin.h, wait_for_change): returns once the job's state or restarts may differ from `seen`'s,
  // or after `timeout_ms`; throws Error(CANCELLED) within 250 ms of host.cancelled().
  virtual void wait_for_change(const JobRef& /*job*/, int32_t /*seen_state*/, uint32_t /*seen_restarts*/,
                               int64_t /*timeout_ms*/) {
    throw Error(DLAUNCH_ERR_UNIMPLEMENTED, "this platform cannot wait for a job to change");
  }
};

namespace detail {

// Out of memory while reporting an error: a static object is the only thing left to return. Never freed.
inline dlaunch_error* out_of_memory_error() noexcept {
  static dlaunch_error out_of_memory{DLAUNCH_ERR_INTERNAL, "out of memory"};
  return &out_of_memory;
}

inline dlaunch_error* make_error(int32_t code, std::string message) noexcept {
  try {
    return new dlaunch_error{code, std::move(message)};
  } catch (...) {
    return out_of_memory_error();
  }
}

// Runs `body`, turning every exception into an error object.
template <class Body>
dlaunch_error* guarded(Body&& body) noexcept {
  try {
    body();
    return nullptr;
  } catch (const Error& e) {
    return make_error(e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return out_of_memory_error();
  } catch (const std::exception& e) {
    return make_error(DLAUNCH_ERR_INTERNAL, std::string("internal plugin error: ") + e.what());
  } catch (...) {
    return make_error(DLAUNCH_ERR_INTERNAL, "internal plugin error: unknown exception");
  }
}

inline JobRequest request_of(const dlaunch_job_args* a) {
  return JobRequest{std::string_view(a->job_json, a->job_json_size),
                    a->submission_id != nullptr ? std::string_view(a->submission_id) : std::string_view()};
}

inline JobRef ref_of(const char* native_id, const char* options_json) {
  return JobRef{native_id != nullptr ? native_id : "", options_json != nullptr ? options_json : "{}"};
}

// Builds the C table for plugin class P. One instance of P per process, created in init.
template <class P>
class Adapter {
 public:
  static_assert(P::kMinHostMinor <= DLAUNCH_ABI_MINOR, "kMinHostMinor is above the minor of this SDK's plugin.h");

  // The entry: remembers the host's minor for init, and returns the same table every time.
  static const dlaunch_plugin_api* table(uint32_t host_major, uint32_t host_minor, const char* id,
                                         const char* version, const char* description,
                                         const dlaunch_option_desc* const* options) noexcept {
    if (host_major != DLAUNCH_ABI_MAJOR) return nullptr;
    host_minor_.store(host_minor);
    static const dlaunch_plugin_api api = [&] {
      dlaunch_plugin_api t{};
      t.struct_size = DLAUNCH_PLUGIN_API_SIZE_1_2;
      t.abi_major = DLAUNCH_ABI_MAJOR;
      t.abi_minor = DLAUNCH_ABI_MINOR;
      t.min_host_minor = P::kMinHostMinor;
      t.id = id;
      t.version = version;
      t.description = description;
      t.options = options;
      t.init = &init;
      t.validate = &validate;
      t.dry_run = &dry_run;
      t.submit = &submit;
      t.status = &status;
      t.logs = &logs;
      t.stop = &stop;
      t.delete_job = &delete_job;
      t.list = &list;
      t.error_code = &error_code;
      t.error_message = &error_message;
      t.error_destroy = &error_destroy;
      t.find_submissions = P::kFindsSubmissions ? &find_submissions : nullptr;
      t.wait_for_change = P::kWaitsForChange ? &wait_for_change : nullptr;
      return t;
    }();
    return &api;
  }

 private:
  // Written by the entry, read by init; atomic because the entry is [thread-safe].
  static inline std::atomic<uint32_t> host_minor_{0};

  static P*& instance() {
    static P* plugin = nullptr;
    return plugin;
  }
  static P& self() {
    if (instance() == nullptr) throw Error(DLAUNCH_ERR_INTERNAL, "plugin used before init");
    return *instance();
  }

  static dlaunch_error* init(const dlaunch_init_args* a) {
    return guarded([&] {
      if (instance() != nullptr) return;  // init is idempotent
      InitContext context{Host(a->host), a->plugin_dir != nullptr ? a->plugin_dir : "",
                          a->state_dir != nullptr ? a->state_dir : "", host_minor_.load()};
      auto* plugin = new P();
      try {
        plugin->init(context);
      } catch (...) {
        delete plugin;
        throw;
      }
      instance() = plugin;
    });
  }
  static dlaunch_error* validate(const dlaunch_job_args* a, const dlaunch_diagnostic_sink* out) {
    return guarded([&] { self().validate(request_of(a), DiagnosticsOut(out)); });
  }
  static dlaunch_error* dry_run(const dlaunch_job_args* a, const dlaunch_text_sink* out) {
    return guarded([&] { self().dry_run(request_of(a), TextOut(out)); });
  }
  static dlaunch_error* submit(const dlaunch_job_args* a, const dlaunch_text_sink* out) {
    return guarded([&] {
      std::string id = self().submit(request_of(a));
      TextOut(out).write(id);
    });
  }
  static dlaunch_error* status(const dlaunch_job_ref_args* a, const dlaunch_status_sink* out) {
    return guarded([&] { StatusOut(out).report(self().status(ref_of(a->native_id, a->options_json))); });
  }
  static dlaunch_error* logs(const dlaunch_logs_args* a, const dlaunch_text_sink* out) {
    return guarded([&] { self().logs(ref_of(a->native_id, a->options_json), a->follow, TextOut(out)); });
  }
  static dlaunch_error* stop(const dlaunch_job_ref_args* a) {
    return guarded([&] { self().stop(ref_of(a->native_id, a->options_json)); });
  }
  static dlaunch_error* delete_job(const dlaunch_job_ref_args* a) {
    return guarded([&] { self().delete_job(ref_of(a->native_id, a->options_json)); });
  }
  static dlaunch_error* list(const dlaunch_list_args* a, const dlaunch_status_sink* out) {
    return guarded([&] {
      self().list(a->options_json != nullptr ? a->options_json : "{}", StatusOut(out));
    });
  }
  static dlaunch_error* find_submissions(const dlaunch_find_args* a, const dlaunch_status_sink* out) {
    return guarded([&] {
      // Refused rather than read: a host (or `plugins check`) that sends these gets an error, never a crash.
      if (a == nullptr || out == nullptr) throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "find_submissions needs args and a sink");
      if (a->struct_size < DLAUNCH_FIND_ARGS_SIZE_1_1) {
        throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "dlaunch_find_args of " + std::to_string(a->struct_size) +
                                                      " bytes is too small to hold since_ms");
      }
      if (a->count > 0 && a->submission_ids == nullptr) throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "submission_ids is NULL");
      std::vector<std::string_view> ids;
      for (size_t i = 0; i < a->count; ++i) {
        // An id left out would be reported as never accepted: a missing one is the host's error, said as such.
        if (a->submission_ids[i] == nullptr) {
          throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "submission id " + std::to_string(i) + " is NULL");
        }
        ids.emplace_back(a->submission_ids[i]);
      }
      self().find_submissions(ids, a->options_json != nullptr ? a->options_json : "{}", a->since_ms, StatusOut(out));
    });
  }
  static dlaunch_error* wait_for_change(const dlaunch_wait_args* a) {
    return guarded([&] {
      if (a == nullptr) throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "wait_for_change needs args");
      if (a->struct_size < DLAUNCH_WAIT_ARGS_SIZE_1_2) {
        throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "dlaunch_wait_args of " + std::to_string(a->struct_size) +
                                                      " bytes is too small to hold timeout_ms");
      }
      self().wait_for_change(ref_of(a->native_id, a->options_json), a->seen_state, a->seen_restarts,
                             a->timeout_ms < 0 ? 0 : a->timeout_ms);
    });
  }
  static int32_t error_code(const dlaunch_error* e) { return e != nullptr ? e->code : DLAUNCH_ERR_INTERNAL; }
  static const char* error_message(const dlaunch_error* e) {
    return e != nullptr ? e->message.c_str() : "no error";
  }
  static void error_destroy(dlaunch_error* e) {
    if (e != out_of_memory_error()) delete e;
  }
};

}  // namespace detail
}  // namespace dlaunch::sdk

// The option table generated from options.json, when dlaunch_add_plugin made one for this plugin.
#if __has_include(<dlaunch_plugin_options.h>)
#include <dlaunch_plugin_options.h>
#define DLAUNCH_PLUGIN_OPTION_TABLE dlaunch_plugin_options
#else
#define DLAUNCH_PLUGIN_OPTION_TABLE nullptr
#endif

// Defines the plugin's entry symbol for class `cls`. Use once per plugin library, at global scope.
#define DLAUNCH_PLUGIN(cls, id, version, description)                                                 \
  extern "C" DLAUNCH_EXPORT const dlaunch_plugin_api* dlaunch_plugin_entry(uint32_t host_abi_major,   \
                                                                            uint32_t host_abi_minor) { \
    return ::dlaunch::sdk::detail::Adapter<cls>::table(host_abi_major, host_abi_minor, id, version,   \
                                                       description, DLAUNCH_PLUGIN_OPTION_TABLE);     \
  }

#endif  // DLAUNCH_PLUGIN_HPP_
