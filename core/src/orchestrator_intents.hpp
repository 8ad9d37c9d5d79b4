// Which journaled intents belong to a submit still in flight. A submit holds an exclusive lock on
// <journal directory>/submitting/<submission id> from before its intent is journaled until its outcome is; an
// intent whose file nobody locks was left by a dlaunch that died in between (killed, or its machine lost
// power), and the platform decides what became of it (Orchestrator::resolve_intents).
#ifndef DLAUNCH_CORE_SRC_ORCHESTRATOR_INTENTS_HPP_
#define DLAUNCH_CORE_SRC_ORCHESTRATOR_INTENTS_HPP_

#include <dlaunch/core/error.hpp>

#include <filesystem>
#include <string>

namespace dlaunch {

// Held by the submitting process; released (and its file removed) when destroyed. A process killed with it
// held releases it too: the kernel drops a dead process's locks.
class SubmitLock {
 public:
  static Result<SubmitLock> acquire(const std::filesystem::path& journal_directory, const std::string& submission_id);
  SubmitLock(SubmitLock&& other) noexcept;
  SubmitLock& operator=(SubmitLock&&) = delete;
  ~SubmitLock();

  // True while a live process holds the lock of `submission_id`.
  static bool held(const std::filesystem::path& journal_directory, const std::string& submission_id);

 private:
  SubmitLock(std::filesystem::path file, int fd) : file_(std::move(file)), fd_(fd) {}
  std::filesystem::path file_;
  int fd_ = -1;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_ORCHESTRATOR_INTENTS_HPP_
