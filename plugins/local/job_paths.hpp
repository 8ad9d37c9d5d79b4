// Where a local job keeps its files: state_dir/jobs/<native_id>/.
//
//   job.json         the normalized job document, as submitted, its secret-looking environment values as
//                    "***" (the supervisor is handed the real ones on its stdin, never on disk)
//   submission-id    the host's submission id (makes submit idempotent)
//   state.json       the job's state (JobState), replaced atomically
//   config.json      the job's [config] table, for its processes (DLAUNCH_CONFIG_FILE)
//   logs/<role>-<rank>.log   one replica's output, as written
//   logs/combined.log        every replica's lines, prefixed "[role/rank] ", interleaved in arrival order
#ifndef DLAUNCH_LOCAL_JOB_PATHS_HPP_
#define DLAUNCH_LOCAL_JOB_PATHS_HPP_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace dlaunch::local {

class JobPaths {
 public:
  explicit JobPaths(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The directory of job `native_id`. Throws sdk::Error(NOT_FOUND) for an id that cannot be one of ours
  // (this also keeps ids like "../x" from escaping the state directory).
  static JobPaths of(const std::filesystem::path& state_dir, std::string_view native_id);

  const std::filesystem::path& dir() const { return dir_; }
  std::string native_id() const { return dir_.filename().string(); }
  std::filesystem::path job_document() const { return dir_ / "job.json"; }
  std::filesystem::path submission_id() const { return dir_ / "submission-id"; }
  std::filesystem::path state() const { return dir_ / "state.json"; }
  std::filesystem::path config_file() const { return dir_ / "config.json"; }
  std::filesystem::path logs_dir() const { return dir_ / "logs"; }
  std::filesystem::path combined_log() const { return logs_dir() / "combined.log"; }
  std::filesystem::path replica_log(const std::string& role, int64_t rank) const {
    return logs_dir() / (role + "-" + std::to_string(rank) + ".log");
  }

 private:
  std::filesystem::path dir_;
};

// The folder holding one directory per job.
inline std::filesystem::path jobs_dir(const std::filesystem::path& state_dir) { return state_dir / "jobs"; }

// True for names that submit can produce: [A-Za-z0-9._-], not starting with '.' (temporaries do).
bool is_native_id(std::string_view name);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_JOB_PATHS_HPP_
