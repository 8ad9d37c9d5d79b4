#include "launch_plan.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace dlaunch::local {
namespace {

EnvList dlaunch_env(const sdk::Job& job, const sdk::Role& role, int64_t rank, const std::string& master_port,
                    uint32_t restart_count) {
  // Everything runs on this one machine: it is node 0 and every replica of a role is local to it.
  return {
      {"DLAUNCH_JOB", job.name},
      {"DLAUNCH_ROLE", role.name},
      {"RANK", std::to_string(rank)},
      {"WORLD_SIZE", std::to_string(role.replicas)},
      {"LOCAL_RANK", std::to_string(rank)},
      {"LOCAL_WORLD_SIZE", std::to_string(role.replicas)},
      {"NODE_RANK", "0"},
      {"MASTER_ADDR", "127.0.0.1"},
      {"MASTER_PORT", master_port},
      {"DLAUNCH_RESTART_COUNT", std::to_string(restart_count)},
      // What a shell would set: the inherited value names the directory dlaunch was started in.
      {"PWD", job.working_dir},
  };
}

bool is_executable_file(const std::filesystem::path& path) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(path, ignored) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::vector<ReplicaLaunch> plan_launches(const sdk::Job& job, const std::map<std::string, std::string>& master_ports,
                                         uint32_t restart_count) {
  std::vector<ReplicaLaunch> launches;
  for (const auto& role : job.roles) {
    auto port = master_ports.find(role.name);
    for (int64_t rank = 0; rank < role.replicas; ++rank) {
      ReplicaLaunch launch{role.name, rank, role.driver, role.entrypoint, job.working_dir, {}};
      launch.env = dlaunch_env(job, role, rank, port != master_ports.end() ? port->second : "", restart_count);
      launch.env.insert(launch.env.end(), job.env.begin(), job.env.end());
      launch.env.insert(launch.env.end(), role.env.begin(), role.env.end());
      launches.push_back(std::move(launch));
    }
  }
  return launches;
}

std::string search_path(const ReplicaLaunch& launch) {
  for (auto it = launch.env.rbegin(); it != launch.env.rend(); ++it) {
    if (it->first == "PATH") return it->second;
  }
  const char* inherited = std::getenv("PATH");
  return inherited != nullptr ? inherited : "/usr/local/bin:/usr/bin:/bin";
}

std::string find_program(const std::string& program, const std::string& path, const std::string& working_dir) {
  if (program.empty()) return {};
  if (program.find('/') != std::string::npos) {
    std::filesystem::path candidate = std::filesystem::path(working_dir) / program;
    return is_executable_file(candidate) ? candidate.string() : std::string();
  }
  std::string_view rest = path;
  while (true) {
    auto colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    // An empty PATH entry means the current directory, as in a shell.
    auto base = dir.empty() ? std::filesystem::path(working_dir) : std::filesystem::path(working_dir) / dir;
    if (is_executable_file(base / program)) return (base / program).string();
    if (colon == std::string_view::npos) return {};
    rest.remove_prefix(colon + 1);
  }
}

}  // namespace dlaunch::local
