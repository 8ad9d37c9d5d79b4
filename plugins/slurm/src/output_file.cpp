#include "output_file.hpp"

#include "job_record.hpp"

#include <dlaunch_support/backoff.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace dlaunch::slurm {
namespace {

constexpr std::chrono::milliseconds kPollInterval{250};
constexpr int kPollsPerSnapshot = 4;

const char* const kSharedFilesystemNote =
    "dlaunch reads a Slurm job's logs from its output file, which must be readable where dlaunch runs "
    "(a filesystem shared with the cluster; see platform.slurm.output_dir)";

// The output file, opened once it exists; reads what was added since the last read.
class GrowingFile {
 public:
  explicit GrowingFile(std::string path) : path_(std::move(path)) {}
  ~GrowingFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  GrowingFile(const GrowingFile&) = delete;
  GrowingFile& operator=(const GrowingFile&) = delete;

  bool exists() {
    if (fd_ >= 0) return true;
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ >= 0) return true;
    if (errno == ENOENT) return false;
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE,
                     "cannot read the job's output file " + path_ + ": " + std::strerror(errno) + "; " +
                         kSharedFilesystemNote);
  }

  // Writes the new bytes to `out`; false when the host wants no more.
  bool copy_new(const sdk::TextOut& out) {
    if (!exists()) return true;
    char buffer[65536];
    for (;;) {
      ssize_t n = ::read(fd_, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE, "cannot read the job's output file " + path_ + ": " +
                                                      std::strerror(errno));
      }
      if (n == 0) return true;
      if (!out.write(std::string_view(buffer, static_cast<size_t>(n)))) return false;
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

std::string ending_line(const sdk::JobStatus& status) {
  if (status.state != DLAUNCH_STATE_FAILED && status.state != DLAUNCH_STATE_STOPPED) return "";
  std::string line = "[dlaunch] Slurm job " + status.native_id + " ended " + status.native_state;
  if (status.exit_code) line += " with exit code " + std::to_string(*status.exit_code);
  return line + (status.message.empty() ? "" : ": " + status.message) + "\n";
}

void copy_job_output(const Snapshot& snapshot, bool follow, const std::string& server, const sdk::TextOut& out,
                     const sdk::Host& host) {
  JobSnapshot job = snapshot(std::chrono::milliseconds::zero());
  GrowingFile file(job.output_path);
  bool pending_said = false;
  // Following, the retrying of snapshots is this loop's own: one attempt each, bounded by the time left.
  support::AnswerClock clock;
  bool failing = false;
  auto take_snapshot = [&] {
    try {
      job = snapshot(clock.attempt_timeout());
      clock.answered();
      failing = false;
    } catch (const sdk::Error& error) {
      const int32_t code = error.code();
      if (code != DLAUNCH_ERR_UNAVAILABLE && code != DLAUNCH_ERR_TEMPORARY && code != DLAUNCH_ERR_INTERNAL) throw;
      const std::string id = job.status.native_id;
      if (clock.over()) {
        throw sdk::Error(code, "following the output of Slurm job " + id + ": " +
                                   (code == DLAUNCH_ERR_INTERNAL ? "only failures from " : "no answer from ") +
                                   server + " for " + std::to_string(clock.period_seconds()) + " s (" +
                                   error.what() + "); the job goes on: `dlaunch logs -f slurm:" + id +
                                   "` follows it again once slurmrestd answers");
      }
      if (!failing) {
        host.warn("following the output of Slurm job " + id + ": " + error.what() + "; still trying, for up to " +
                  std::to_string(clock.period_seconds()) + " s");
      }
      failing = true;
    }
  };
  for (;;) {
    const bool terminal = job.status.terminal();  // taken before the read below, so that read gets the last lines
    if (!job.output_path.empty() && !file.copy_new(out)) return;
    // Following, a job usually waits a moment before it starts: only a wait Slurm gives a reason for is said.
    if (!terminal && !job.script_started && !pending_said && (!follow || !job.status.message.empty())) {
      // Said on stderr: what `logs` writes to `out` is the job's output, which --tail counts in bytes.
      host.warn("Slurm job " + job.status.native_id + " is " + job.status.native_state +
                (job.status.message.empty() ? "" : " (" + job.status.message + ")") + ": no output yet");
      pending_said = true;
    }
    if (!follow || terminal) {
      if (terminal && job.script_started && !job.output_path.empty() && !file.exists()) {
        throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE, "Slurm job " + job.status.native_id + " ran and ended " +
                                                      job.status.native_state + ", but its output file " +
                                                      job.output_path + " does not exist here; " +
                                                      kSharedFilesystemNote);
      }
      if (terminal) out.write(ending_line(job.status));
      return;
    }
    // While snapshots fail, the next is taken as soon as the time left runs out, not a poll later.
    for (int i = 0; i < kPollsPerSnapshot && !(failing && clock.over()); ++i) {
      if (!support::sleep_unless_cancelled(kPollInterval, [&] { return host.cancelled(); })) {
        throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
      }
      if (!job.output_path.empty() && !file.copy_new(out)) return;
    }
    take_snapshot();
  }
}

}  // namespace dlaunch::slurm
