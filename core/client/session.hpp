// What a dl_session and a dl_job of the C client API (dlaunch/client.h) are in C++, and the few rules every
// entry point follows: nothing thrown crosses into C, one call at a time on a session (a callback may not call
// its own session), each call starts with no error and ends uncancelled, and every failure is an ErrorCode
// turned into its documented status code.
#ifndef DLAUNCH_CORE_CLIENT_SESSION_HPP_
#define DLAUNCH_CORE_CLIENT_SESSION_HPP_

#include <dlaunch/client.h>
#include <dlaunch/core/error.hpp>
#include <dlaunch/core/journaled_jobs.hpp>
#include <dlaunch/core/orchestrator.hpp>
#include <dlaunch/core/plugin_host.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

struct dl_session {
  std::optional<dlaunch::Orchestrator> orchestrator;  // empty when dl_session_open failed
  std::string last_error;
  const char* last_error_code = "";
  // Set by dl_session_cancel from any thread; cleared as each call ends, so that a cancel sent just before a
  // call starts ends that call rather than being lost.
  std::atomic<bool> cancelled{false};
  // A call is running: a callback that calls its own session is refused, not let loose on the state the outer
  // call is using (the maps and strings below).
  std::atomic<bool> in_call{false};
  // The strings of the last dl_job_status handed out.
  std::string status_name, status_native_state, status_message;
  // The last dl_list, with the strings its entries point to.
  struct Listed {
    dlaunch::JournaledJob job;
    std::string handle;
    std::string sweep;
  };
  std::vector<Listed> listed;
  std::vector<std::string> list_warnings;  // its warnings
};

struct dl_job {
  dl_session* session = nullptr;
  dlaunch::SpecRequest request;
  std::optional<dlaunch::ValidationReport> report;  // the last validation
  dl_status validation_status = DL_OK;              // its outcome
  std::optional<dlaunch::Error> validation_failure; // why it did not pass
  std::string diagnostics_text;
  std::string text;  // the last document, dry run or handle handed out
  // The handle of the last validation's submission: its submission id is spent (the idempotency key of one
  // submit), so a second dl_job_submit needs a new validation.
  std::string submitted_as;
};

namespace dlaunch::client {

// A failed call's status, after recording its message and cause in the session.
dl_status fail(dl_session* session, const Error& error);
// DL_ERR_USAGE for a malformed call (a NULL argument, a struct too small).
dl_status usage_error(dl_session* session, const std::string& message);

// Runs `body` (returning dl_status) as one call on `session`: the last error cleared, the cancel flag in scope
// for the plugins the body calls and cleared at the end, and anything thrown turned into DL_ERR_INTERNAL. A call
// made while another runs (from a callback of it) is DL_ERR_USAGE, the session left as the outer call has it.
template <class Body>
dl_status call(dl_session* session, Body&& body) {
  // A session that did not open keeps the error that says why.
  if (session == nullptr || !session->orchestrator) return DL_ERR_USAGE;
  if (session->in_call.exchange(true)) return DL_ERR_USAGE;
  session->last_error.clear();
  session->last_error_code = "";
  dl_status status;
  {
    CancellationScope scope(session->cancelled);
    try {
      status = body();
    } catch (const std::exception& e) {
      status = fail(session, Error{ErrorCode::kInternal, std::string("internal error: ") + e.what()});
    } catch (...) {
      status = fail(session, Error{ErrorCode::kInternal, "internal error"});
    }
  }
  session->cancelled = false;
  session->in_call = false;
  return status;
}

// True when a struct the caller allocated holds at least `size_1_0` bytes (its struct_size says so).
template <class Struct>
bool big_enough(const Struct* s, size_t size_1_0) {
  return s != nullptr && s->struct_size >= size_1_0;
}

// Fills a dl_job_status; its strings are kept in the session.
void fill_status(dl_session* session, const JobStatus& status, dl_job_status* out);

}  // namespace dlaunch::client

#endif  // DLAUNCH_CORE_CLIENT_SESSION_HPP_
