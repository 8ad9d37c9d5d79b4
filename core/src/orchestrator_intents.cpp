// Intents left by a dlaunch that died during a submit: the in-flight lock (orchestrator_intents.hpp), and
// Orchestrator::resolve_intents, which asks each intent's platform what became of it.
#include "orchestrator_intents.hpp"

#include <dlaunch/core/orchestrator.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "support/paths.hpp"

namespace dlaunch {
namespace {

// At most this many intents of a platform are settled per call, so that a list after many killed submits stays
// quick: the rest are settled by the next ones. It is also the most one find_submissions call is asked about (plugin.h).
constexpr std::size_t kSettledPerCall = 64;
// A batch the platform may have forgotten part of (FAILED_PRECONDITION: Slurm, for a submit older than its
// memory) is asked again for its newer half, then for what is left: at most this many questions per batch.
constexpr int kAsksPerBatch = 16;

std::filesystem::path lock_file(const std::filesystem::path& journal_directory, const std::string& submission_id) {
  return SubmitLock::directory(journal_directory) / submission_id;
}

// Whether the open file `fd` is still the one at `file` (a holder that removed it did so while locked).
bool still_linked(int fd, const std::filesystem::path& file) {
  struct stat opened {}, named {};
  return ::fstat(fd, &opened) == 0 && ::stat(file.c_str(), &named) == 0 && opened.st_dev == named.st_dev &&
         opened.st_ino == named.st_ino;
}

// Locks `file` (created if missing): the fd when locked, -1 when `wait` is false and another process holds it,
// or on an error (errno set).
int lock(const std::filesystem::path& file, bool wait) {
  while (true) {
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
      const int why = errno;
      ::close(fd);
      errno = why;
      return -1;
    }
    if (still_linked(fd, file)) return fd;
    ::close(fd);  // locked a file its holder removed meanwhile: lock the one at the path now
  }
}

// One platform's intents with the same options: asked about in one find_submissions call.
struct Batch {
  std::shared_ptr<Platform> platform;
  std::string options_json;
  std::vector<JournalEntry> entries;
  std::vector<SubmitLock> locks;  // held until the batch is settled, so no other dlaunch asks the same
  std::vector<int64_t> abandoned_since;  // each entry's lock's
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::filesystem::path SubmitLock::directory(const std::filesystem::path& journal_directory) {
  return journal_directory / "submitting";
}

Result<SubmitLock> SubmitLock::acquire(const std::filesystem::path& journal_directory,
                                       const std::string& submission_id) {
  const std::filesystem::path file = lock_file(journal_directory, submission_id);
  if (auto made = create_private_directories(file.parent_path()); !made) return std::unexpected(made.error());
  int fd = lock(file, true);
  if (fd < 0) {
    return std::unexpected(Error{ErrorCode::kInternal, "cannot create " + file.string() + ": " + std::strerror(errno)});
  }
  return SubmitLock(file, fd);
}

std::optional<SubmitLock> SubmitLock::try_acquire(const std::filesystem::path& journal_directory,
                                                  const std::string& submission_id) {
  const std::filesystem::path file = lock_file(journal_directory, submission_id);
  if (!create_private_directories(file.parent_path())) return std::nullopt;
  int fd = lock(file, false);
  if (fd < 0) return std::nullopt;
  return SubmitLock(file, fd);
}

SubmitLock::SubmitLock(SubmitLock&& other) noexcept
    : file_(std::move(other.file_)), fd_(other.fd_), keep_(other.keep_) {
  other.fd_ = -1;
}

SubmitLock::~SubmitLock() {
  if (fd_ < 0) return;
  // Removed before the lock is released: a process that opened it meanwhile finds it unlinked (still_linked).
  if (!keep_) ::unlink(file_.c_str());
  ::close(fd_);
}

int64_t SubmitLock::abandoned_since(int64_t now_ms) {
  char text[32] = {};
  const ssize_t read = ::pread(fd_, text, sizeof text - 1, 0);
  if (read > 0) {
    char* end = nullptr;
    const long long stamp = std::strtoll(text, &end, 10);
    if (end != text && *end == '\0' && stamp > 0) return stamp;
  }
  // Not stamped yet (or torn by a crash while stamping): the wait starts now. A file that cannot be written
  // is stamped by a later call; until then the intent waits.
  const std::string stamp = std::to_string(now_ms);
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, stamp.data(), stamp.size(), 0);
  return now_ms;
}

Result<std::size_t> Orchestrator::settle_intents(const std::vector<JournalEntry>& intents,
                                                 const std::string& platform_id) {
  const std::filesystem::path directory = journal().directory();
  std::map<std::pair<std::string, std::string>, Batch> batches;
  // Each platform's plugin, once per call; null for one that cannot answer: not installed, or a 1.0 plugin (or
  // one that cannot look jobs up by submission id), whose intents stay, shown as "(submitting)".
  std::map<std::string, std::shared_ptr<Platform>> answering;
  // Why a platform's intents stay, told once per platform; a platform that failed (other than about entries too
  // old for it) is asked nothing more in this call.
  std::map<std::string, std::string> unsettled;
  std::set<std::string> failed;
  std::map<std::string, std::size_t> taken;  // per platform: one that cannot answer holds up no other
  for (const JournalEntry& entry : intents) {
    if (!platform_id.empty() && entry.platform != platform_id) continue;
    auto [known, added] = answering.try_emplace(entry.platform);
    if (added) {
      auto loaded = platform(entry.platform);
      if (!loaded) {
        unsettled[entry.platform] = loaded.error().message;
      } else if (!(*loaded)->finds_submissions()) {
        unsettled[entry.platform] = "plugin '" + entry.platform + "' cannot find jobs by submission id";
      } else {
        known->second = *loaded;
      }
    }
    if (known->second == nullptr || taken[entry.platform] == kSettledPerCall) continue;
    auto held = SubmitLock::try_acquire(directory, entry.submission_id);
    if (!held) continue;  // its submit is still running
    held->keep();  // with its stamp, until the intent is settled
    // Settled meanwhile (by another command, or by its submit just before it let go): the file goes.
    auto now = journal().find(entry.submission_id);
    if (!now) continue;  // asked by a later call
    if (!*now || (*now)->state != JournalEntry::State::kIntent) {
      held->keep(false);
      continue;
    }
    // Where the submit went, as journaled: `list -p P --set platform.P.address=...` asks another place about the
    // platform's jobs, which truthfully holds none of these.
    auto options = options_for(JobHandle{entry.platform, ""}, *known->second, &entry, false);
    if (!options) continue;
    Batch& batch = batches[{entry.platform, *options}];
    batch.platform = known->second;
    batch.options_json = *options;
    batch.entries.push_back(entry);
    batch.abandoned_since.push_back(held->abandoned_since(now_ms()));
    batch.locks.push_back(std::move(*held));
    ++taken[entry.platform];
  }
  std::size_t resolved = 0;
  const int64_t grace_ms = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.settle_grace).count();
  for (auto& [key, batch] : batches) {
    // Settles batch.entries[first, first + count) (newest first) from one answer.
    enum class Answer { kSettled, kTooOld, kFailed };
    const std::string& platform = key.first;
    if (failed.contains(platform)) continue;  // unreachable for another batch of this call already
    auto settle = [&](std::size_t first, std::size_t count) -> Result<Answer> {
      std::vector<std::string> ids;
      int64_t since_ms = batch.entries[first].created_ms;
      for (std::size_t i = first; i < first + count; ++i) {
        ids.push_back(batch.entries[i].submission_id);
        since_ms = std::min(since_ms, batch.entries[i].created_ms);
      }
      // A request the killed dlaunch sent may land after this call began: absence proves nothing about an
      // entry abandoned less than the grace period before it.
      const int64_t asked_ms = now_ms();
      auto found = batch.platform->find_submissions(ids, batch.options_json, since_ms);
      if (!found) {
        const bool too_old = found.error().code == ErrorCode::kFailedPrecondition;
        if (too_old && count > 1) return Answer::kTooOld;
        unsettled[platform] = found.error().message;
        if (!too_old) failed.insert(platform);
        return Answer::kFailed;
      }
      // Each record names one of `ids`, once, with its native id (Platform::find_submissions checks).
      std::map<std::string, std::string> native_ids;
      for (const JobStatus& job : *found) native_ids.emplace(job.submission_id, job.native_id);
      for (std::size_t i = first; i < first + count; ++i) {
        JournalEntry& entry = batch.entries[i];
        if (auto it = native_ids.find(entry.submission_id); it != native_ids.end()) {
          entry.state = JournalEntry::State::kSubmitted;
          entry.native_id = it->second;
        } else if (asked_ms - batch.abandoned_since[i] < grace_ms) {
          continue;  // it stays, and its lock file keeps the stamp for the next command
        } else {
          entry.state = JournalEntry::State::kFailed;
          // Whether it never got it, or deleted or forgot it since, nobody can tell.
          entry.error = entry.platform + " holds no job of submission '" + entry.submission_id +
                        "', whose submit was cut short";
        }
        std::lock_guard lock(*journal_mutex_);
        auto written = journal().settle(entry);
        if (!written) return std::unexpected(written.error());
        if (*written) ++resolved;
        batch.locks[i].keep(false);  // settled by this call or another one: no longer an intent either way
      }
      return Answer::kSettled;
    };
    // All at once; where the platform may have forgotten the oldest, the newer half, and so on, then what is
    // left the same way, within kAsksPerBatch questions: one old entry holds up no younger one.
    std::size_t first = 0, count = batch.entries.size();
    for (int asks = 0; first < batch.entries.size() && asks < kAsksPerBatch; ++asks) {
      auto settled = settle(first, count);
      if (!settled) return std::unexpected(settled.error());
      if (*settled == Answer::kSettled) {
        first += count;
        count = batch.entries.size() - first;
      } else if (*settled == Answer::kTooOld) {
        count = (count + 1) / 2;
      } else {
        break;  // unreachable, or it cannot tell about the newest left: asked again by the next command
      }
    }
  }
  if (settings_.on_warning) {
    for (const auto& [platform, why] : unsettled) {
      settings_.on_warning("submits to " + platform + " that a dlaunch stopped mid-way left stay (submitting): " + why);
    }
  }
  return resolved;
}

Result<std::size_t> Orchestrator::resolve_intents(const std::string& platform_id) {
  // Every intent, to tell a leftover lock file from one whose intent is left for later.
  auto intents = journal().intents();
  if (!intents) return std::unexpected(intents.error());
  auto resolved = settle_intents(*intents, platform_id);
  if (!resolved) return resolved;
  const std::filesystem::path directory = journal().directory();
  // Lock files of no intent: left by a submit killed after its outcome was journaled, or by a dlaunch older than
  // this one. A submit in flight holds its own (taken before its intent is journaled), so try_acquire skips it.
  std::set<std::string> pending;
  for (const JournalEntry& entry : *intents) pending.insert(entry.submission_id);
  std::error_code error;
  for (const auto& file : std::filesystem::directory_iterator(SubmitLock::directory(directory), error)) {
    const std::string id = file.path().filename().string();
    if (!pending.contains(id)) (void)SubmitLock::try_acquire(directory, id);
  }
  return resolved;
}

Result<std::optional<JournalEntry>> Orchestrator::settled_intent(const JobHandle& handle) {
  if (handle.native_id.empty()) return std::nullopt;
  // A key without ':' is looked up as a submission id alone.
  auto found = journal().find(handle.native_id);
  if (!found) return std::unexpected(found.error());
  if (!*found || (*found)->state != JournalEntry::State::kIntent || (*found)->platform != handle.platform) {
    return std::nullopt;
  }
  auto settled = settle_intents({**found}, handle.platform);
  if (!settled) return std::unexpected(settled.error());
  // Read again: settled now, by this call or by its own submit meanwhile, or still an intent.
  return journal().find(handle.native_id);
}

}  // namespace dlaunch
