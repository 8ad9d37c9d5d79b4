// A job's output: every pod's log (pods/NAME/log), each line prefixed "[role/rank] ". Following watches the
// job's pods, streams each pod's log from the moment its container starts, and ends once the job is
// terminal and every stream has ended.
#ifndef DLAUNCH_KUBERNETES_POD_LOGS_HPP_
#define DLAUNCH_KUBERNETES_POD_LOGS_HPP_

#include "api_client.hpp"

#include <dlaunch/plugin.hpp>
#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::kubernetes {

struct PodRef {
  std::string name;
  std::string prefix;  // "[role/rank] "
  std::string phase;
  bool started = false;  // a container has run: its log can be read
};

// The pods of a pod list's items, in role, rank and creation order.
std::vector<PodRef> pods_in_rank_order(const rapidjson::Value& items);

// Prefixes every complete line of `data` and returns them; an unfinished last line waits in `partial`.
std::string prefixed_lines(std::string_view data, const std::string& prefix, std::string& partial);

// Writes every started pod's log once.
void write_logs(const ApiClient& client, const std::string& namespace_, const std::string& selector,
                const sdk::TextOut& out);

// Follows every pod's log until `job_terminal` says so and every stream has ended.
void follow_logs(const ApiClient& client, const std::string& namespace_, const std::string& selector,
                 const std::function<bool()>& job_terminal, const sdk::Host& host, const sdk::TextOut& out);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_POD_LOGS_HPP_
