#include "job_paths.hpp"

#include <dlaunch/plugin.hpp>

#include <algorithm>
#include <cctype>

namespace dlaunch::local {

bool is_native_id(std::string_view name) {
  auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  };
  return !name.empty() && name.front() != '.' && std::all_of(name.begin(), name.end(), allowed);
}

JobPaths JobPaths::of(const std::filesystem::path& state_dir, std::string_view native_id) {
  if (!is_native_id(native_id)) {
    throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "'" + std::string(native_id) + "' is not a local job id");
  }
  return JobPaths(jobs_dir(state_dir) / native_id);
}

}  // namespace dlaunch::local
