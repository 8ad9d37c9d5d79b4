#include "local_platform.hpp"

#include <dlaunch/job_document.hpp>

#include <algorithm>
#include <chrono>
#include <utility>

#include "dry_run_text.hpp"
#include "job_checks.hpp"
#include "job_control.hpp"
#include "job_store.hpp"
#include "job_watch.hpp"
#include "log_stream.hpp"
#include "supervisor_launcher.hpp"

namespace dlaunch::local {
namespace {

sdk::JobStatus host_status(const std::string& native_id, const JobState& state) {
  sdk::JobStatus status;
  status.native_id = native_id;
  status.name = state.name;
  status.state = host_state(state.state);
  if (state.state == RunState::kSucceeded || state.state == RunState::kFailed) status.exit_code = state.exit_code;
  status.restarts = state.restarts;
  status.native_state = state_name(state.state);
  status.message = state.message;
  status.submitted_by_dlaunch = true;  // every job in this plugin's state directory came through submit
  status.start_time_ms = state.started_ms != 0 ? state.started_ms : state.submitted_ms;
  status.end_time_ms = state.ended_ms;
  return status;
}

}  // namespace

void LocalPlatform::init(const sdk::InitContext& context) {
  if (context.state_dir.empty()) throw sdk::Error(DLAUNCH_ERR_INTERNAL, "the host gave no state directory");
  host_ = context.host;
  state_dir_ = context.state_dir;
  supervisor_ = std::filesystem::path(context.plugin_dir) / DLAUNCH_LOCAL_SUPERVISOR_NAME;
}

void LocalPlatform::validate(const sdk::JobRequest& job, const sdk::DiagnosticsOut& out) {
  check_job(sdk::parse_job(job.job_json), out);
}

void LocalPlatform::dry_run(const sdk::JobRequest& job, const sdk::TextOut& out) {
  out.write(dry_run_text(sdk::parse_job(job.job_json), std::string(job.submission_id)));
}

std::string LocalPlatform::submit(const sdk::JobRequest& request) {
  sdk::Job job = sdk::parse_job(request.job_json);
  if (!std::filesystem::exists(supervisor_)) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "the local platform's supervisor " + supervisor_.string() +
                                               " is missing; reinstall dlaunch's local plugin");
  }
  // job.json stays on disk as long as the job: the values of its secret-looking environment variables are kept
  // there as "***", and the supervisor is handed the document itself.
  sdk::Job kept = job;
  sdk::mask_secret_env(kept);
  CreatedJob created = create_job(state_dir_, job.name, sdk::write_job(std::move(kept)), request.submission_id);
  if (!created.is_new) return created.paths.native_id();
  try {
    launch_supervisor(supervisor_, created.paths, request.job_json);
  } catch (const sdk::Error&) {
    // Nothing runs: forget the job, so that retrying this submission tries again.
    std::filesystem::remove_all(created.paths.dir());
    throw;
  }
  host_.debug("local: job " + created.paths.native_id() + " runs under " + created.paths.dir().string());
  return created.paths.native_id();
}

sdk::JobStatus LocalPlatform::status(const sdk::JobRef& job) {
  JobPaths paths = JobPaths::of(state_dir_, job.native_id);
  return host_status(paths.native_id(), observe(paths));
}

void LocalPlatform::wait_for_change(const sdk::JobRef& job, int32_t seen_state, uint32_t seen_restarts,
                                    int64_t timeout_ms) {
  // How often Ctrl-C is looked for while nothing happens (plugin.h asks for 250 ms at most).
  constexpr auto kCancelCheck = std::chrono::milliseconds(100);
  JobPaths paths = JobPaths::of(state_dir_, job.native_id);
  // Set up before the first read, so that no change after it goes unnoticed.
  JobWatch watch(paths, JobWatch::Files::kState);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool exit_asked = false;
  bool exit_watched = false;
  auto waited = [&](const char* outcome) {
    host_.debug("local: waited on job " + paths.native_id() + " (its state file" +
                (watch.watching_files() ? "" : " read every tick") +
                (exit_watched ? ", its supervisor's exit" : "") + "): " + outcome);
  };
  bool woken = true;
  while (true) {
    // Without inotify nothing wakes the wait: the state is read on every tick instead.
    if (woken || !watch.watching_files()) {
      JobState state = observe(paths);
      if (host_state(state.state) != seen_state || state.restarts != seen_restarts) return waited("changed");
      if (!exit_asked && state.supervisor_pid > 0) {
        // A supervisor killed outright records nothing: its exit is the change. Once watched, the state is read
        // again: `observe` checks that the pid is still the supervisor's, so the pidfd is of the right process.
        exit_asked = true;
        exit_watched = watch.watch_exit_of(state.supervisor_pid);
        if (exit_watched) continue;
      }
    }
    host_.check_cancelled();
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return waited("unchanged");
    woken = watch.wait_for_change(std::min(kCancelCheck, left));
  }
}

void LocalPlatform::logs(const sdk::JobRef& job, bool follow, const sdk::TextOut& out) {
  stream_logs(JobPaths::of(state_dir_, job.native_id), follow, host_, out);
}

void LocalPlatform::stop(const sdk::JobRef& job) { stop_job(JobPaths::of(state_dir_, job.native_id)); }

void LocalPlatform::delete_job(const sdk::JobRef& job) {
  JobPaths paths = JobPaths::of(state_dir_, job.native_id);
  JobState recorded = read_state(paths);
  if (is_lost(recorded)) {
    end_leftovers(paths, RunState::kFailed, "deleted after its supervisor was lost");
  } else if (!is_terminal(recorded.state)) {
    throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION, "job '" + paths.native_id() + "' is " +
                                                          state_name(recorded.state) +
                                                          "; stop it first (dlaunch stop local:" +
                                                          paths.native_id() + ")");
  }
  std::filesystem::remove_all(paths.dir());
}

void LocalPlatform::list(std::string_view /*options_json*/, const sdk::StatusOut& out) {
  for (const auto& id : list_job_ids(state_dir_)) {
    sdk::JobStatus status;
    try {
      status = host_status(id, observe(JobPaths::of(state_dir_, id)));
    } catch (const sdk::Error& e) {
      // One damaged or vanishing job must not hide the others.
      status.native_id = id;
      status.message = e.what();
      status.submitted_by_dlaunch = true;
    }
    if (!out.report(status)) return;
  }
}

void LocalPlatform::find_submissions(const std::vector<std::string_view>& submission_ids,
                                     std::string_view /*options_json*/, int64_t /*since_ms*/,
                                     const sdk::StatusOut& out) {
  // A job directory is published whole (create_job): one not there now never will be for a submit that died.
  for (const auto& [submission_id, paths] : local::find_submissions(state_dir_, submission_ids)) {
    sdk::JobStatus status;
    try {
      status = host_status(paths.native_id(), observe(paths));
    } catch (const sdk::Error& e) {
      status.native_id = paths.native_id();
      status.message = e.what();
      status.submitted_by_dlaunch = true;
    }
    status.submission_id = submission_id;
    if (!out.report(status)) return;
  }
}

}  // namespace dlaunch::local
