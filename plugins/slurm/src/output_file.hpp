// `dlaunch logs` for Slurm: the job's output is its output file (every role's lines, [role/rank]-prefixed,
// written by the batch script), read from this machine, so it must be readable here: a shared filesystem
// on a real cluster. With follow, the file is read as it grows until the job is over.
#ifndef DLAUNCH_SLURM_OUTPUT_FILE_HPP_
#define DLAUNCH_SLURM_OUTPUT_FILE_HPP_

#include <dlaunch/job_status.hpp>
#include <dlaunch/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace dlaunch::slurm {

// What the log reader needs to know of the job, fetched again while following.
struct JobSnapshot {
  sdk::JobStatus status;
  bool script_started = false;  // its batch script ran (or runs): its output file should exist
  std::string output_path;      // absolute, patterns expanded
};

// Takes a snapshot; `timeout` bounds its request (zero: the client's own limit).
using Snapshot = std::function<JobSnapshot(std::chrono::milliseconds timeout)>;

// Writes the file's content to `out` from the start; with `follow`, keeps writing what is added until a
// snapshot (taken about every second) says the job is terminal, then writes the rest. Following, a snapshot
// that fails for want of an answer from `server` (named in the error) is tried again at the next one while
// the file is still read, with one warning; 8 s after the last answer (support::AnswerClock) it is an error
// of the same code, whatever the failure: a refused socket or a server that no longer answers. A job that ended
// FAILED or STOPPED gets a last line saying so and why, in Slurm's words ("[dlaunch] Slurm job 42 ended
// FAILED: NonZeroExitCode: ..."); one that never started has that line alone. A pending job gets a warning
// (once) that it has no output yet and why (following: once Slurm gives a reason). Throws sdk::Error when
// the file cannot be read, or does not exist although the job's script ran; CANCELLED on Ctrl-C.
void copy_job_output(const Snapshot& snapshot, bool follow, const std::string& server, const sdk::TextOut& out,
                     const sdk::Host& host);

// The line about a job that ended FAILED or STOPPED; "" for any other job.
std::string ending_line(const sdk::JobStatus& status);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_OUTPUT_FILE_HPP_
