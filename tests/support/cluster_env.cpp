#include "support/cluster_env.hpp"

#include <cstdlib>
#include <fstream>
#include <string_view>

namespace dlaunch::test {

std::map<std::string, std::string> read_env_file(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    constexpr std::string_view kExport = "export ";
    if (!line.starts_with(kExport)) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    values[line.substr(kExport.size(), eq - kExport.size())] = line.substr(eq + 1);
  }
  return values;
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

}  // namespace dlaunch::test
