// Submitted jobs by handle: status, wait, stop and delete, as `dlaunch status [--wait]`, `stop` and `delete`.
#include <dlaunch/core/exit_codes.hpp>

#include "session.hpp"

namespace dlaunch::client {
namespace {

Result<JobHandle> handle_of(const char* text) {
  if (text == nullptr) return std::unexpected(Error{ErrorCode::kInvalidRequest, "handle is NULL"});
  return parse_handle(text);
}

}  // namespace
}  // namespace dlaunch::client

using namespace dlaunch::client;

extern "C" {

dl_status dl_handle_status(dl_session* session, const char* handle, dl_job_status* out) {
  return call(session, [&]() -> dl_status {
    if (!big_enough(out, DL_JOB_STATUS_SIZE_1_0)) return usage_error(session, "dl_job_status too small");
    auto parsed = handle_of(handle);
    if (!parsed) return fail(session, parsed.error());
    auto status = session->orchestrator->status(*parsed);
    if (!status) return fail(session, status.error());
    fill_status(session, *status, out);
    return DL_OK;
  });
}

dl_status dl_handle_wait(dl_session* session, const char* handle, dl_wait_fn on_update, void* user_data,
                         dl_job_status* out_final, int32_t* out_exit_code) {
  return call(session, [&]() -> dl_status {
    if (out_final != nullptr && !big_enough(out_final, DL_JOB_STATUS_SIZE_1_0)) {
      return usage_error(session, "dl_job_status too small");
    }
    auto parsed = handle_of(handle);
    if (!parsed) return fail(session, parsed.error());
    // Polls at most 200 ms apart, so on_update comes often enough for a caller to stop on a keypress; its
    // "stop" is a cancellation, which the core's wait looks for every 50 ms.
    constexpr auto kLongestInterval = std::chrono::milliseconds(200);
    auto update = [&](const dlaunch::JobStatus& status) {
      if (on_update == nullptr) return;
      dl_job_status current{};
      current.struct_size = DL_JOB_STATUS_SIZE_1_0;
      fill_status(session, status, &current);
      if (on_update(user_data, &current) != 0) session->cancelled = true;
    };
    auto final_status = session->orchestrator->wait(*parsed, update, kLongestInterval);
    if (!final_status) return fail(session, final_status.error());
    if (out_final != nullptr) fill_status(session, *final_status, out_final);
    if (out_exit_code != nullptr) *out_exit_code = dlaunch::exit_code_of_job(*final_status);
    return DL_OK;
  });
}

dl_status dl_handle_stop(dl_session* session, const char* handle) {
  return call(session, [&]() -> dl_status {
    auto parsed = handle_of(handle);
    if (!parsed) return fail(session, parsed.error());
    if (auto stopped = session->orchestrator->stop(*parsed); !stopped) return fail(session, stopped.error());
    return DL_OK;
  });
}

dl_status dl_handle_delete(dl_session* session, const char* handle) {
  return call(session, [&]() -> dl_status {
    auto parsed = handle_of(handle);
    if (!parsed) return fail(session, parsed.error());
    if (auto deleted = session->orchestrator->delete_job(*parsed); !deleted) return fail(session, deleted.error());
    return DL_OK;
  });
}

}  // extern "C"
