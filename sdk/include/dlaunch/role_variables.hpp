// The names of the variables that tell every process where each role is (docs/job-spec.md): one rule for
// every platform.
#ifndef DLAUNCH_ROLE_VARIABLES_HPP_
#define DLAUNCH_ROLE_VARIABLES_HPP_

#include <string>

namespace dlaunch::sdk {

// "actor-rollout" -> "DLAUNCH_ACTOR_ROLLOUT_": the prefix of a role's variables (_MASTER_ADDR, _MASTER_PORT,
// _HOSTS). Role names are DNS labels, so the result is an identifier.
inline std::string role_variable_prefix(const std::string& role) {
  std::string prefix = "DLAUNCH_";
  for (char c : role) prefix += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return prefix + "_";
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_ROLE_VARIABLES_HPP_
