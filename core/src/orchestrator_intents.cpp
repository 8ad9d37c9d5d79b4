// Intents left by a dlaunch that died during a submit: the in-flight lock (orchestrator_intents.hpp), and
// Orchestrator::resolve_intents, which asks each intent's platform what became of it.
#include "orchestrator_intents.hpp"

#include <dlaunch/core/orchestrator.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "support/paths.hpp"

namespace dlaunch {
namespace {

std::filesystem::path lock_file(const std::filesystem::path& journal_directory, const std::string& submission_id) {
  return journal_directory / "submitting" / submission_id;
}

// Whether the journal shows `platform` naming its jobs by the submission id dlaunch sent (Ray does): only
// then does "no such job" prove that an intent never reached it. The newest submitted job decides.
bool names_jobs_by_submission_id(Journal& journal, const std::string& platform) {
  constexpr std::size_t kLooked = 50;
  auto recent = journal.entries(JournalQuery{.platform = platform, .limit = kLooked});
  if (!recent) return false;
  for (const auto& e : *recent) {
    if (!e.native_id.empty()) return e.native_id == e.submission_id;
  }
  return false;
}

}  // namespace

Result<SubmitLock> SubmitLock::acquire(const std::filesystem::path& journal_directory,
                                       const std::string& submission_id) {
  const std::filesystem::path file = lock_file(journal_directory, submission_id);
  if (auto made = create_private_directories(file.parent_path()); !made) return std::unexpected(made.error());
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
    std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return std::unexpected(Error{ErrorCode::kInternal, "cannot create " + file.string() + ": " + why});
  }
  return SubmitLock(file, fd);
}

SubmitLock::SubmitLock(SubmitLock&& other) noexcept : file_(std::move(other.file_)), fd_(other.fd_) { other.fd_ = -1; }

SubmitLock::~SubmitLock() {
  if (fd_ < 0) return;
  std::error_code ignored;
  std::filesystem::remove(file_, ignored);
  ::close(fd_);
}

bool SubmitLock::held(const std::filesystem::path& journal_directory, const std::string& submission_id) {
  int fd = ::open(lock_file(journal_directory, submission_id).c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;  // no file: its submit ended, or died before it journaled anything
  const bool busy = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return busy;
}

Result<std::size_t> Orchestrator::resolve_intents(const std::string& platform_id) {
  auto intents = journal().intents(platform_id);
  if (!intents) return std::unexpected(intents.error());
  std::size_t resolved = 0;
  for (JournalEntry entry : *intents) {
    if (SubmitLock::held(journal().directory(), entry.submission_id)) continue;  // another dlaunch is submitting it
    auto loaded = platform(entry.platform);
    if (!loaded) continue;
    auto options = options_for(JobHandle{entry.platform, ""}, **loaded, &entry);
    if (!options) continue;
    // A platform that keeps dlaunch's submission id as the job's id answers for it; any other platform cannot
    // be asked by submission id through the plugin ABI, and its intents stay (shown as "(submitting)").
    auto found = (*loaded)->status(entry.submission_id, *options);
    entry.updated_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
    if (found) {
      entry.state = JournalEntry::State::kSubmitted;
      entry.native_id = entry.submission_id;
    } else if (found.error().code == ErrorCode::kNotFound && names_jobs_by_submission_id(journal(), entry.platform)) {
      entry.state = JournalEntry::State::kFailed;
      entry.error = "dlaunch was stopped before " + entry.platform + " accepted the job: it holds no job '" +
                    entry.submission_id + "'";
    } else {
      continue;  // unreachable, or no proof either way: asked again by the next command
    }
    std::lock_guard lock(*journal_mutex_);
    if (auto written = journal().put(entry); !written) return std::unexpected(written.error());
    ++resolved;
  }
  return resolved;
}

}  // namespace dlaunch
