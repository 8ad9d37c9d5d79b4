// Key paths as diagnostics show them: "roles[1].resources.memory".
#ifndef DLAUNCH_CORE_SPEC_KEY_PATH_HPP_
#define DLAUNCH_CORE_SPEC_KEY_PATH_HPP_

#include <cstddef>
#include <string>
#include <string_view>

namespace dlaunch::spec {

// The path of member `key` of the table at `parent` ("" is the root table).
inline std::string key_path_member(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

// The path of element `index` of the array at `parent`.
inline std::string key_path_element(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

}  // namespace dlaunch::spec

#endif  // DLAUNCH_CORE_SPEC_KEY_PATH_HPP_
