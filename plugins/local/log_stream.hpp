// `logs` of a local job: its combined log from the start, and with follow every new line until it ends.
#ifndef DLAUNCH_LOCAL_LOG_STREAM_HPP_
#define DLAUNCH_LOCAL_LOG_STREAM_HPP_

#include <dlaunch/plugin.hpp>

#include "job_paths.hpp"

namespace dlaunch::local {

// With `follow`, returns once the job is terminal and every line is written, or throws sdk::Error(CANCELLED)
// when the host cancels (checked every 100 ms). It reads again whenever the job's files change (inotify). Returns early when `out` wants no more.
void stream_logs(const JobPaths& paths, bool follow, const sdk::Host& host, const sdk::TextOut& out);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_LOG_STREAM_HPP_
