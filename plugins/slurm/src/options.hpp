// The plugin's [platform.slurm] options (declared in plugins/slurm/options.json): their reading and checking.
#ifndef DLAUNCH_SLURM_OPTIONS_HPP_
#define DLAUNCH_SLURM_OPTIONS_HPP_

#include <dlaunch/job_document.hpp>
#include <dlaunch/plugin.h>

#include <cstdint>
#include <optional>
#include <string>

namespace dlaunch::slurm {

// Where the job goes and what it is charged to: the scheduling options, read and checked.
struct SchedulingOptions {
  std::string partition;
  std::string account;
  std::string qos;
  std::string reservation;
  std::string constraint;
  std::optional<int64_t> time_limit_minutes;  // none: the partition's default
  bool exclusive = false;
  std::string output_dir;  // absolute; the job's working directory when the option is empty
  std::string extra_json = "{}";  // more job properties of the REST API (an object), merged in as given
};

// Reads the scheduling options of a job whose working directory is `working_dir`. Throws
// sdk::Error(INVALID_ARGUMENT) naming the option when one is malformed.
SchedulingOptions read_scheduling_options(const sdk::Options& options, const std::string& working_dir);

// Parses a Slurm time limit ("MM", "MM:SS", "HH:MM:SS", "D-HH", "D-HH:MM", "D-HH:MM:SS", as sbatch --time)
// into whole minutes, rounding seconds up. Empty on malformed text.
std::optional<int64_t> parse_time_limit(const std::string& text);

// Slurm lists an ended job for MinJobAge (slurm.conf, the option min_job_age_s; 300 s by default), then forgets
// it (without accounting, for good). A job not listed proves that its submit never reached Slurm only when the
// submit began less than that ago, less a margin for this machine's clock against slurmctld's: the window, in
// milliseconds, find_submissions answers in (0 when min_job_age_s leaves none).
inline constexpr int64_t kDefaultMinJobAgeS = 300;
inline constexpr int64_t kJobAgeMarginS = 60;
int64_t listed_window_ms(const sdk::Options& options);

// Reports every malformed option of a job document's platform table as a diagnostic.
void check_options(const sdk::Options& options, const sdk::DiagnosticsOut& out);

}  // namespace dlaunch::slurm

#endif  // DLAUNCH_SLURM_OPTIONS_HPP_
