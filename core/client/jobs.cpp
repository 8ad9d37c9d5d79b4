// Jobs: a spec loaded, validated for a platform through the core's pipeline, then its document, its dry run or
// its submission, each what the CLI's `validate`, `run --dry-run` and `run` do with it.
#include <dlaunch/core/job_document.hpp>

#include <new>

#include "session.hpp"

namespace dlaunch::client {
namespace {

// Copies `count` strings; false when the array or one of them is NULL.
bool copy_strings(const char* const* strings, size_t count, std::vector<std::string>& out) {
  if (count > 0 && strings == nullptr) return false;
  for (size_t i = 0; i < count; ++i) {
    if (strings[i] == nullptr) return false;
    out.emplace_back(strings[i]);
  }
  return true;
}

dl_status validate(dl_job* job, const char* platform) {
  job->request.platform_override = platform == nullptr ? "" : platform;
  job->report = job->session->orchestrator->validate_spec(job->request);
  job->submitted_as.clear();  // a new submission id
  const ValidationReport& report = *job->report;
  job->diagnostics_text.clear();
  for (const auto& d : report.diagnostics) job->diagnostics_text += format_diagnostic(d) + "\n";
  job->validation_failure.reset();
  if (report.ok() && !report.sweep.empty()) {
    job->validation_failure = Error{ErrorCode::kInvalidRequest, job->request.spec_file +
                                                                    " has a [sweep] table: run a sweep with `dlaunch "
                                                                    "run`; the client API runs one job"};
  } else if (!report.ok()) {
    // As `dlaunch validate` says it, with the findings before it.
    job->validation_failure = report.error_for(job->request.spec_file);
    job->validation_failure->diagnostics = report.diagnostics;
  }
  job->validation_status = job->validation_failure ? fail(job->session, *job->validation_failure) : DL_OK;
  return job->validation_status;
}

// The job as last validated (validated first for its own platform when it never was), or the validation's
// failure again.
const PreparedJob* prepared(dl_job* job, dl_status& status) {
  status = job->report ? job->validation_status : validate(job, nullptr);
  if (status == DL_OK) return &*job->report->prepared;
  if (job->validation_failure) fail(job->session, *job->validation_failure);
  return nullptr;
}

// Hands out `text`, kept in the job.
dl_status hand_out(dl_job* job, std::string text, const char** out) {
  job->text = std::move(text);
  *out = job->text.c_str();
  return DL_OK;
}

}  // namespace
}  // namespace dlaunch::client

using namespace dlaunch::client;

extern "C" {

dl_status dl_job_load(dl_session* session, const dl_job_source* source, dl_job** out_job) {
  return call(session, [&]() -> dl_status {
    if (out_job == nullptr) return usage_error(session, "out_job is NULL");
    *out_job = nullptr;
    if (!big_enough(source, DL_JOB_SOURCE_SIZE_1_0)) return usage_error(session, "dl_job_source too small");
    if (source->file == nullptr && source->text == nullptr) return usage_error(session, "neither file nor text given");
    auto job = std::make_unique<dl_job>();
    job->session = session;
    if (source->text != nullptr) job->request.text = source->text;
    job->request.spec_file = source->file != nullptr ? source->file : "<text>";
    if (!copy_strings(source->overrides, source->override_count, job->request.overrides) ||
        !copy_strings(source->driver_args, source->driver_arg_count, job->request.driver_args)) {
      return usage_error(session, "overrides or driver_args hold NULL");
    }
    *out_job = job.release();
    return DL_OK;
  });
}

void dl_job_free(dl_job* job) { delete job; }

dl_status dl_job_validate(dl_job* job, const char* platform) {
  if (job == nullptr) return DL_ERR_USAGE;
  return call(job->session, [&]() -> dl_status { return validate(job, platform); });
}

size_t dl_job_diagnostic_count(const dl_job* job) {
  return job == nullptr || !job->report ? 0 : job->report->diagnostics.size();
}

dl_status dl_job_diagnostic(const dl_job* job, size_t index, dl_diagnostic* out) {
  if (job == nullptr || !big_enough(out, DL_DIAGNOSTIC_SIZE_1_0) || index >= dl_job_diagnostic_count(job)) {
    return DL_ERR_USAGE;
  }
  const dlaunch::Diagnostic& d = job->report->diagnostics[index];
  out->severity = d.severity == dlaunch::Severity::kError ? DL_SEVERITY_ERROR : DL_SEVERITY_WARNING;
  out->file = d.location.file.str().c_str();
  out->line = d.location.line;
  out->column = d.location.column;
  out->path = d.path.c_str();
  out->message = d.message.c_str();
  out->hint = d.hint.c_str();
  return DL_OK;
}

const char* dl_job_diagnostics_text(const dl_job* job) { return job == nullptr ? "" : job->diagnostics_text.c_str(); }

dl_status dl_job_document(dl_job* job, const char** out_json) {
  if (job == nullptr || out_json == nullptr) return DL_ERR_USAGE;
  return call(job->session, [&]() -> dl_status {
    dl_status status;
    const dlaunch::PreparedJob* p = prepared(job, status);
    if (p == nullptr) return status;
    // What the journal keeps (Orchestrator::submit): the document with its secrets as "***".
    return hand_out(job, dlaunch::shown_job_document(p->job, p->options_json, p->platform->options()), out_json);
  });
}

dl_status dl_job_dry_run(dl_job* job, const char** out_text) {
  if (job == nullptr || out_text == nullptr) return DL_ERR_USAGE;
  return call(job->session, [&]() -> dl_status {
    dl_status status;
    const dlaunch::PreparedJob* p = prepared(job, status);
    if (p == nullptr) return status;
    auto text = job->session->orchestrator->dry_run(*p);
    if (!text) return fail(job->session, text.error());
    return hand_out(job, std::move(*text), out_text);
  });
}

dl_status dl_job_submit(dl_job* job, const char** out_handle) {
  if (job == nullptr || out_handle == nullptr) return DL_ERR_USAGE;
  return call(job->session, [&]() -> dl_status {
    dl_status status;
    const dlaunch::PreparedJob* p = prepared(job, status);
    if (p == nullptr) return status;
    if (!job->submitted_as.empty()) {
      return usage_error(job->session, "this validation of the job was submitted already, as " + job->submitted_as +
                                           "; validate it again (dl_job_validate) to submit it once more");
    }
    auto submission = job->session->orchestrator->submit(*p);
    if (!submission) return fail(job->session, submission.error());
    job->submitted_as = submission->handle;
    return hand_out(job, submission->handle, out_handle);
  });
}

}  // extern "C"
