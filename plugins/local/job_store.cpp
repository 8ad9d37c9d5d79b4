#include "job_store.hpp"

#include <dlaunch/plugin.hpp>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>

#include "files.hpp"
#include "job_state.hpp"

namespace dlaunch::local {
namespace {

// Hex digits of the submission hash used in a native id: the short form first, longer ones on collision.
constexpr size_t kHashDigits[] = {6, 8, 10, 12, 16};

std::string hex_hash(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a: stable across builds and machines
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(hash));
  return digits;
}

// A submission without an id (a host that gives none) is never a retry: it gets a random one.
std::string effective_submission_id(std::string_view submission_id) {
  if (!submission_id.empty()) return std::string(submission_id);
  std::random_device random;
  return std::to_string(random()) + "-" + std::to_string(random());
}

bool belongs_to(const JobPaths& paths, std::string_view submission_id) {
  auto recorded = read_file(paths.submission_id());
  return recorded && *recorded == submission_id;
}

[[noreturn]] void cannot_read(const std::filesystem::path& path, int error) {
  throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot read " + path.string() + ": " + std::strerror(error));
}

// The submission id a job's directory records; none only when it has no such file. Any other failure
// (unreadable, a directory in its place) throws: find_submissions must not take it for "another submission".
std::optional<std::string> recorded_submission(const JobPaths& paths) {
  const std::filesystem::path file = paths.submission_id();
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    cannot_read(file, errno);
  }
  std::string text;
  char buffer[256];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      cannot_read(file, error);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

void write_new_job(const std::filesystem::path& dir, const std::string& job_name, std::string_view job_json,
                   std::string_view submission_id) {
  JobPaths staged(dir);
  std::filesystem::create_directories(staged.logs_dir());
  write_file_atomically(staged.job_document(), job_json);
  write_file_atomically(staged.submission_id(), submission_id);
  JobState state;
  state.name = job_name;
  state.submitted_ms = now_ms();
  save_state(staged.state(), state);
}

// Moves the staged directory to `target`. False when `target` already exists.
bool publish(const std::filesystem::path& staged, const std::filesystem::path& target) {
  if (::rename(staged.c_str(), target.c_str()) == 0) return true;
  int error = errno;
  std::filesystem::remove_all(staged);
  if (error == EEXIST || error == ENOTEMPTY) return false;
  throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot create " + target.string() + ": " + std::strerror(error));
}

// The inode of this process's pid namespace ("4026531836" of /proc/self/ns/pid's "pid:[4026531836]"); "" when
// it cannot be read.
std::string pid_namespace() {
  char link[64] = {};
  const ssize_t size = ::readlink("/proc/self/ns/pid", link, sizeof link - 1);
  const std::string text(link, size > 0 ? static_cast<std::size_t>(size) : 0);
  const auto open = text.find('['), close = text.find(']');
  return open != std::string::npos && close != std::string::npos && close > open ? text.substr(open + 1, close - open - 1)
                                                                                : "";
}

// Names a staged directory ".ID.staging-HOST-PIDNS-PID": the process building it. The host and the pid
// namespace are part of it because a state directory may be shared (an NFS home; containers of one host,
// often under one host name), and a pid says nothing of another machine's or another namespace's processes.
std::string staging_prefix() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return ".staging-" + std::string(host) + "-" + pid_namespace() + "-";
}

// A staged directory of this host and pid namespace whose process is gone was left by a submit killed while
// building it: its job was never published. One whose process lives (or whose pid was reused) stays, and so
// does another host's or namespace's (or one named before the namespace was), until it is a day old: building
// one takes milliseconds.
void remove_abandoned_staging(const std::filesystem::path& state_dir) {
  const std::string mine = staging_prefix();
  const auto day_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(jobs_dir(state_dir), error)) {
    const std::string name = entry.path().filename().string();
    const auto mark = name.rfind(".staging-");
    if (!name.starts_with(".") || mark == std::string::npos) continue;
    bool abandoned = false;
    if (name.compare(mark, mine.size(), mine) == 0) {
      const std::string pid = name.substr(mark + mine.size());
      abandoned = !pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos &&
                  ::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH;
    } else {
      std::error_code time_error;
      const auto written = std::filesystem::last_write_time(entry.path(), time_error);
      abandoned = !time_error && written < day_ago;
    }
    if (abandoned) std::filesystem::remove_all(entry.path(), error);
  }
}

}  // namespace

CreatedJob create_job(const std::filesystem::path& state_dir, const std::string& job_name, std::string_view job_json,
                      std::string_view submission_id) {
  const std::string submission = effective_submission_id(submission_id);
  const std::string hash = hex_hash(submission);
  const std::string base = job_name.empty() ? "job" : job_name;
  std::filesystem::create_directories(jobs_dir(state_dir));
  for (size_t digits : kHashDigits) {
    JobPaths paths(jobs_dir(state_dir) / (base + "-" + hash.substr(0, digits)));
    if (std::filesystem::exists(paths.dir())) {
      if (belongs_to(paths, submission)) return {paths, false};
      continue;
    }
    // Dot-prefixed, so list_job_ids never sees a half-built job.
    auto staged = jobs_dir(state_dir) / ("." + paths.native_id() + staging_prefix() + std::to_string(::getpid()));
    std::filesystem::remove_all(staged);
    write_new_job(staged, base, job_json, submission);
    if (publish(staged, paths.dir())) return {paths, true};
    if (belongs_to(paths, submission)) return {paths, false};  // a concurrent retry of this submission won
  }
  throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot find a free id for job '" + base + "' in " + state_dir.string());
}

std::vector<std::string> list_job_ids(const std::filesystem::path& state_dir) {
  std::vector<std::string> ids;
  std::error_code error;
  std::filesystem::directory_iterator entries(jobs_dir(state_dir), error);
  // No jobs directory: no job was ever made. Any other failure is no answer.
  if (error && error != std::errc::no_such_file_or_directory) cannot_read(jobs_dir(state_dir), error.value());
  for (const auto& entry : entries) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && is_native_id(name)) ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::map<std::string, JobPaths> find_submissions(const std::filesystem::path& state_dir,
                                                 const std::vector<std::string_view>& submission_ids) {
  remove_abandoned_staging(state_dir);
  std::map<std::string, JobPaths> found;
  if (submission_ids.empty()) return found;
  std::vector<std::string> hashes;
  for (std::string_view id : submission_ids) hashes.push_back(hex_hash(id));
  // A job's id ends with a prefix of its submission's hash (create_job): only those jobs are read.
  for (const std::string& native_id : list_job_ids(state_dir)) {
    const std::string suffix = native_id.substr(native_id.rfind('-') + 1);
    for (std::size_t i = 0; i < submission_ids.size(); ++i) {
      JobPaths paths = JobPaths::of(state_dir, native_id);
      if (hashes[i].starts_with(suffix) && recorded_submission(paths) == submission_ids[i]) {
        found.emplace(std::string(submission_ids[i]), paths);
      }
    }
  }
  return found;
}

}  // namespace dlaunch::local
