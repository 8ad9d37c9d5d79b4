// Which journaled intents belong to a submit still in flight. A submit holds an exclusive lock on
// <journal directory>/submitting/<submission id> from before its intent is journaled until its outcome is; an
// intent whose file nobody locks was left by a dlaunch that died in between (killed, or its machine lost
// power), and the platform decides what became of it (Orchestrator::resolve_intents).
#ifndef DLAUNCH_CORE_SRC_ORCHESTRATOR_INTENTS_HPP_
#define DLAUNCH_CORE_SRC_ORCHESTRATOR_INTENTS_HPP_

#include <dlaunch/core/error.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace dlaunch {

// Held by the submitting process, or by the process settling an intent its submit left; released, and its file
// removed, when destroyed. A process killed with it held releases it too (the kernel drops a dead process's
// locks), and leaves the file for the next resolve_intents to remove (or to stamp: abandoned_since). The file is removed while locked, so a
// holder checks that the file it locked is still the one at its path (it may have locked one just removed).
class SubmitLock {
 public:
  // Waits for the lock of `submission_id` (no one else should hold it: ids are unique per submit).
  static Result<SubmitLock> acquire(const std::filesystem::path& journal_directory, const std::string& submission_id);
  // The lock of `submission_id` if no live process holds it; nullopt if one does, or on any error.
  static std::optional<SubmitLock> try_acquire(const std::filesystem::path& journal_directory,
                                               const std::string& submission_id);
  SubmitLock(SubmitLock&& other) noexcept;
  SubmitLock& operator=(SubmitLock&&) = delete;
  ~SubmitLock();

  // When a settling process first found the lock free, in ms since the epoch: read from the file, or `now_ms`,
  // written there, when nobody found it so before (a submit leaves the file empty).
  int64_t abandoned_since(int64_t now_ms);
  // Whether the file stays when the lock is released, and with it abandoned_since, for the next settling.
  void keep(bool keep = true) { keep_ = keep; }

  // The directory of the lock files.
  static std::filesystem::path directory(const std::filesystem::path& journal_directory);

 private:
  SubmitLock(std::filesystem::path file, int fd) : file_(std::move(file)), fd_(fd) {}
  std::filesystem::path file_;
  int fd_ = -1;
  bool keep_ = false;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_ORCHESTRATOR_INTENTS_HPP_
