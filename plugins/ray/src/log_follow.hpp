// `logs -f` for Ray: polls the job's whole log and writes only what is new, until the job is terminal.
#ifndef DLAUNCH_RAY_LOG_FOLLOW_HPP_
#define DLAUNCH_RAY_LOG_FOLLOW_HPP_

#include "ray_client.hpp"

#include <dlaunch/plugin.hpp>

#include <chrono>
#include <string>

namespace dlaunch::ray {

// Returns when the job is terminal and its last output was written, or when the host wants no more output.
// A lost connection or a failing dashboard is retried (with one warning), never taken for the job's end; it
// gives up 8 s after the last answer (support::AnswerClock), with the error of the last attempt.
// Throws CANCELLED on Ctrl-C.
void follow_logs(const RayClient& client, const std::string& id, std::chrono::milliseconds poll_interval,
                 const sdk::Host& host, const sdk::TextOut& out);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_LOG_FOLLOW_HPP_
