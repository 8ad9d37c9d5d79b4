// The variables that tell every process where each role is (docs/job-spec.md): one rule for every platform.
#ifndef DLAUNCH_ROLE_VARIABLES_HPP_
#define DLAUNCH_ROLE_VARIABLES_HPP_

#include <dlaunch/job_document.hpp>

#include <cstdint>
#include <string>

namespace dlaunch::sdk {

// "actor-rollout" -> "DLAUNCH_ACTOR_ROLLOUT_": the prefix of a role's variables (_MASTER_ADDR, _MASTER_PORT,
// _HOSTS). Role names are DNS labels, so the result is an identifier.
inline std::string role_variable_prefix(const std::string& role) {
  std::string prefix = "DLAUNCH_";
  for (char c : role) prefix += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return prefix + "_";
}

// TF_CONFIG of replica `rank` of `role`, the TensorFlow task of type role.tf_task and index `rank`; "" for a
// role whose tf_task is "none". Its cluster maps the task type of each tf_task role of the job, in the job's
// order, to its replicas' addresses in rank order, leaving out the evaluator as TensorFlow wants (it is no
// part of the training cluster):
//   {"cluster":{"ps":["10.0.0.1:2222"],"worker":["10.0.0.2:2222","10.0.0.3:2222"]},"task":{"type":"worker","index":1}}
// `address(const Role&, int64_t rank)` gives a replica's "host:port", where its TensorFlow server listens.
// (The Ray driver, which learns the addresses at run time in Python, writes the same text: launch.py.)
template <class Address>
std::string tf_config(const Job& job, const Role& role, int64_t rank, Address address) {
  if (role.tf_task == "none") return {};
  std::string cluster;
  for (const Role& member : job.roles) {
    if (member.tf_task == "none" || member.tf_task == "evaluator") continue;
    cluster += (cluster.empty() ? "\"" : ",\"") + member.tf_task + "\":[";
    for (int64_t r = 0; r < member.replicas; ++r) cluster += (r == 0 ? "\"" : ",\"") + address(member, r) + "\"";
    cluster += "]";
  }
  return "{\"cluster\":{" + cluster + "},\"task\":{\"type\":\"" + role.tf_task +
         "\",\"index\":" + std::to_string(rank) + "}}";
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_ROLE_VARIABLES_HPP_
