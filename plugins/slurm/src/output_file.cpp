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

void copy_job_output(const std::function<JobSnapshot()>& snapshot, bool follow, const sdk::TextOut& out,
                     const sdk::Host& host) {
  JobSnapshot job = snapshot();
  if (job.output_path.empty()) return;  // never started and has no output file yet
  GrowingFile file(job.output_path);
  for (;;) {
    bool terminal = is_terminal(job.state);  // taken before the read below, so that read gets the last lines
    if (!file.copy_new(out)) return;
    if (!follow || terminal) {
      if (job.started && terminal && !file.exists()) {
        throw sdk::Error(DLAUNCH_ERR_NOT_FOUND,
                         "the job's output file " + job.output_path + " does not exist here; " + kSharedFilesystemNote);
      }
      return;
    }
    for (int i = 0; i < kPollsPerSnapshot; ++i) {
      if (!support::sleep_unless_cancelled(kPollInterval, [&] { return host.cancelled(); })) {
        throw sdk::Error(DLAUNCH_ERR_CANCELLED, "cancelled");
      }
      if (!file.copy_new(out)) return;
    }
    job = snapshot();
  }
}

}  // namespace dlaunch::slurm
