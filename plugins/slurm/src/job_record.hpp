// Reading Slurm's job records (the elements of "jobs" in GET /job/{id} and GET /jobs): dlaunch's state,
// exit code and message, the job's output file, and the mark dlaunch leaves in the job's comment.
#ifndef DLAUNCH_SLURM_JOB_RECORD_HPP_
#define DLAUNCH_SLURM_JOB_RECORD_HPP_

#include <dlaunch/job_document.hpp>
#include <dlaunch/plugin.hpp>
#include <rapidjson/document.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace dlaunch::slurm {

// The comment dlaunch gives its jobs: `dlaunch {"submission":ID,"labels":{...},"start_timeout":N}`. It marks
// them in `list` and carries the job's labels and start_timeout (seconds; left out when 0), which Slurm has
// no property for: status() fails a job still pending after it.
std::string dlaunch_comment(const std::string& submission_id, const sdk::StringMap& labels,
                            int64_t start_timeout = 0);
bool is_dlaunch_comment(const std::string& comment);
// The start_timeout in a comment dlaunch_comment wrote; 0 for none. Comments are anyone's to write: one that is
// not such JSON (or nests it too deep to read safely) marks nothing.
int64_t start_timeout_of(const std::string& comment);
// The submission id in a comment dlaunch_comment wrote; "" for none.
std::string submission_of(const std::string& comment);

// dlaunch's state for Slurm's job state word (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT,
// OUT_OF_MEMORY, NODE_FAIL, ...); UNKNOWN for a word it does not know.
int32_t state_of(const std::string& slurm_state);
bool is_terminal(int32_t state);

// The exit code in a wait status as Slurm reports it (code << 8 | signal); none when a signal ended it.
std::optional<int32_t> exit_code_of(int64_t wait_status);
// The signal that ended a process in such a wait status; none when it exited.
std::optional<int32_t> signal_of(int64_t wait_status);
// "SIGKILL" for 9; "signal N" for a number without a name.
std::string signal_name(int32_t signal);

// Whether the job's batch script started, so that it has an output file: a node took it (batch_host) and
// launching it did not fail (JobLaunchFailure: e.g. an output file the job's user cannot create). A job
// cancelled while pending never started.
bool script_started(const rapidjson::Value& record);

// What tells one Slurm job from any other this user may reach: its cluster, id and submission time (ids are
// reused by another cluster, or by the same one started afresh).
std::string instance_key(const rapidjson::Value& record);

// The status of one job record at time `now` (seconds since the epoch). Its message is Slurm's reason code,
// with what the code alone leaves unsaid: "cancelled while pending (Priority)", where a launch failed, "a task
// was killed by SIGKILL". A job that did not start within its start_timeout is FAILED, "did not start within
// start_timeout (30s): Slurm's reason: Resources", pending still (the caller cancels it: needs_cancel) or not.
sdk::JobStatus job_status(const rapidjson::Value& record, int64_t now = std::time(nullptr));
// Whether the status job_status gave says Slurm still holds a job dlaunch has failed (start_timeout).
bool needs_cancel(const sdk::JobStatus& status);

// The job's output file, with Slurm's file name patterns (%j, %x, %u, %%) expanded; "" when it has none.
std::string output_path(const rapidjson::Value& record);

// The one record of GET /job/{id}; throws sdk::Error(NOT_FOUND) when the answer has none.
const rapidjson::Value& single_record(const rapidjson::Document& answer, const std::string& job_id);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_JOB_RECORD_HPP_
