// Process-wide settings of the plugin host, shared by every plugin loaded in this process: how much of what
// plugins log is printed, and the cancellation (Ctrl-C) that long plugin operations and waits poll.
#ifndef DLAUNCH_CORE_PLUGIN_HOST_HPP_
#define DLAUNCH_CORE_PLUGIN_HOST_HPP_

#include <atomic>

namespace dlaunch {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Plugin messages at or above `level` go to stderr as "dlaunch: <id>: <level>: message". Default: kWarning.
void set_plugin_log_level(LogLevel level);

// From now on plugins see is_cancelled() == true and Orchestrator::wait ends with ErrorCode::kCancelled.
// Async-signal-safe: meant for a SIGINT handler.
void request_cancellation() noexcept;

// The cancellation of one caller's operations, where request_cancellation() is the whole process's: while a
// scope lives, plugin operations called on its thread see is_cancelled() == true once `flag` is set, and
// Orchestrator::wait on that thread ends with kCancelled. `flag` may be set from any thread (the C client API's
// dl_session_cancel). A thread a plugin starts itself sees only the process's cancellation; plugins poll on the
// thread of the operation (plugin.h). Scopes nest; the innermost one counts.
class CancellationScope {
 public:
  explicit CancellationScope(const std::atomic<bool>& flag) noexcept;
  ~CancellationScope();
  CancellationScope(const CancellationScope&) = delete;
  CancellationScope& operator=(const CancellationScope&) = delete;

 private:
  const std::atomic<bool>* outer_;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_PLUGIN_HOST_HPP_
