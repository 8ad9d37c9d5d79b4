// Sessions: opening one over the configuration, its last error, its cancellation; the library's version.
#include "session.hpp"

#include <dlaunch/core/config.hpp>
#include <dlaunch/core/exit_codes.hpp>
#include <dlaunch/core/version.hpp>

#include <new>

namespace dlaunch::client {

dl_status fail(dl_session* session, const Error& error) {
  session->last_error.clear();
  for (const auto& d : error.diagnostics) session->last_error += format_diagnostic(d) + "\n";
  session->last_error += error.message;
  session->last_error_code = error_code_name(error.code);
  return exit_code_for(error.code);
}

dl_status usage_error(dl_session* session, const std::string& message) {
  return fail(session, Error{ErrorCode::kInvalidRequest, message});
}

void fill_status(dl_session* session, const JobStatus& status, dl_job_status* out) {
  session->status_name = status.name;
  session->status_native_state = status.native_state;
  session->status_message = status.message;
  out->state = static_cast<int32_t>(status.state);  // JobState has the order of DL_STATE_* (client.h)
  out->has_exit_code = status.exit_code.has_value();
  out->exit_code = status.exit_code.value_or(0);
  out->restarts = status.restarts;
  out->start_time_ms = status.start_time_ms;
  out->end_time_ms = status.end_time_ms;
  out->name = session->status_name.c_str();
  out->native_state = session->status_native_state.c_str();
  out->message = session->status_message.c_str();
}

static_assert(static_cast<int>(JobState::kUnknown) == DL_STATE_UNKNOWN &&
              static_cast<int>(JobState::kPending) == DL_STATE_PENDING &&
              static_cast<int>(JobState::kRunning) == DL_STATE_RUNNING &&
              static_cast<int>(JobState::kSucceeded) == DL_STATE_SUCCEEDED &&
              static_cast<int>(JobState::kFailed) == DL_STATE_FAILED &&
              static_cast<int>(JobState::kStopped) == DL_STATE_STOPPED);

namespace {

dl_status open(dl_session* session, const dl_session_options* options) {
  if (!big_enough(options, DL_SESSION_OPTIONS_SIZE_1_0)) return usage_error(session, "dl_session_options too small");
  if (options->api_major != DL_CLIENT_API_MAJOR) {
    return usage_error(session, "the caller was built for client API " + std::to_string(options->api_major) +
                                    "; libdlaunch provides " + std::to_string(DL_CLIENT_API_MAJOR) + "." +
                                    std::to_string(DL_CLIENT_API_MINOR));
  }
  if (options->plugin_dir_count > 0 && options->plugin_dirs == nullptr) {
    return usage_error(session, "plugin_dirs is NULL");
  }
  OrchestratorSettings settings;
  for (size_t i = 0; i < options->plugin_dir_count; ++i) {
    if (options->plugin_dirs[i] == nullptr) return usage_error(session, "plugin_dirs holds NULL");
    settings.plugin_dirs.emplace_back(options->plugin_dirs[i]);
  }
  if (options->state_dir != nullptr) settings.journal_directory = options->state_dir;
  const bool explicit_file = options->config_file != nullptr;
  auto loaded = load_config(explicit_file ? std::filesystem::path(options->config_file) : default_config_file(),
                            explicit_file, settings);
  if (!loaded) {
    return fail(session, Error{loaded.error().code, "the configuration file is invalid", loaded.error().diagnostics});
  }
  session->orchestrator.emplace(std::move(settings));
  return DL_OK;
}

}  // namespace
}  // namespace dlaunch::client

using namespace dlaunch::client;

extern "C" {

dl_status dl_session_open(const dl_session_options* options, dl_session** out_session) {
  if (out_session == nullptr) return DL_ERR_USAGE;
  *out_session = new (std::nothrow) dl_session();
  if (*out_session == nullptr) return DL_ERR_INTERNAL;
  try {
    return open(*out_session, options);
  } catch (const std::exception& e) {
    return fail(*out_session,
                dlaunch::Error{dlaunch::ErrorCode::kInternal, std::string("internal error: ") + e.what()});
  } catch (...) {
    return fail(*out_session, dlaunch::Error{dlaunch::ErrorCode::kInternal, "internal error"});
  }
}

void dl_session_close(dl_session* session) { delete session; }

const char* dl_last_error(const dl_session* session) { return session == nullptr ? "" : session->last_error.c_str(); }

const char* dl_last_error_code(const dl_session* session) {
  return session == nullptr ? "" : session->last_error_code;
}

void dl_session_cancel(dl_session* session) {
  if (session != nullptr) session->cancelled = true;
}

const char* dl_version(void) {
  static const std::string release = dlaunch::version_info().release;
  return release.c_str();
}

}  // extern "C"
