// The body of POST /slurm/<version>/job/submit for a dlaunch job: the batch script (batch_script.hpp) and
// the job's properties (allocation.hpp, options.hpp).
#ifndef DLAUNCH_SLURM_SUBMISSION_HPP_
#define DLAUNCH_SLURM_SUBMISSION_HPP_

#include "allocation.hpp"
#include "options.hpp"

#include <dlaunch/job_document.hpp>

#include <string>
#include <string_view>

namespace dlaunch::slurm {

// The nice value of priority = "low": Slurm subtracts it from the job's priority. Large enough to put the job
// behind the jobs of normal priority under the multifactor plugin's usual weights.
inline constexpr int64_t kLowPriorityNice = 10000;

// A job made ready to submit: everything is checked and generated before anything is sent.
struct Submission {
  sdk::Job job;
  std::string submission_id;
  SchedulingOptions options;
  Allocation allocation;
  std::string script;
  // What the job starts with before its own env: slurmrestd passes no environment of the caller along.
  sdk::StringMap inherited_env;
};

// Whether a submission is sent, or shown (a dry run: environment values whose names look secret, such as
// WANDB_API_KEY, appear as *** in the script and the body).
enum class Purpose { kSend, kShow };

// Reads and plans a job document. Throws sdk::Error(INVALID_ARGUMENT) for what cannot be submitted.
Submission prepare_submission(std::string_view job_json, std::string_view submission_id,
                              sdk::StringMap inherited_env, Purpose purpose);

// The request body as JSON; `pretty` indents it (dry runs).
std::string submission_body(const Submission& submission, bool pretty);

// The variables of this process a job inherits: PATH, LANG and LC_ALL, when set.
sdk::StringMap inherited_environment();

// OUTPUT_DIR/NAME, the job's name made safe for a file name: what the job's files are named after.
std::string output_file_stem(const std::string& output_dir, const std::string& job_name);

// The job's output file as Slurm is told it: OUTPUT_DIR/NAME-%j.out (%j: the job id).
std::string output_file_pattern(const std::string& output_dir, const std::string& job_name);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_SUBMISSION_HPP_
