// Process-wide settings of the plugin host, shared by every plugin loaded in this process: how much of what
// plugins log is printed, and the cancellation (Ctrl-C) that long plugin operations and waits poll.
#ifndef DLAUNCH_CORE_PLUGIN_HOST_HPP_
#define DLAUNCH_CORE_PLUGIN_HOST_HPP_

namespace dlaunch {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Plugin messages at or above `level` go to stderr as "dlaunch: <id>: <level>: message". Default: kWarning.
void set_plugin_log_level(LogLevel level);

// From now on plugins see is_cancelled() == true and Orchestrator::wait ends with ErrorCode::kCancelled.
// Async-signal-safe: meant for a SIGINT handler.
void request_cancellation() noexcept;

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_PLUGIN_HOST_HPP_
