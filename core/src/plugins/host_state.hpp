// The plugin host's process-global state as the rest of the core reads it. It is set through
// dlaunch/core/plugin_host.hpp and kept in platform.cpp, next to the C callbacks that hand it to plugins.
#ifndef DLAUNCH_CORE_SRC_PLUGINS_HOST_STATE_HPP_
#define DLAUNCH_CORE_SRC_PLUGINS_HOST_STATE_HPP_

namespace dlaunch::host {

// True once request_cancellation() was called (Ctrl-C), or the flag of this thread's CancellationScope was set.
bool cancellation_requested() noexcept;

}  // namespace dlaunch::host

#endif  // DLAUNCH_CORE_SRC_PLUGINS_HOST_STATE_HPP_
