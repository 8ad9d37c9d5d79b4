#include "launch_plan.hpp"

#include <dlaunch/role_variables.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace dlaunch::local {
namespace {

constexpr const char* kLocalHost = "127.0.0.1";

std::string port_of(const LaunchContext& context, const std::string& role) {
  auto port = context.master_ports.find(role);
  return port != context.master_ports.end() ? port->second : std::string();
}

EnvList dlaunch_env(const sdk::Job& job, const sdk::Role& role, int64_t rank, const LaunchContext& context) {
  // Everything runs on this one machine: it is node 0 and every replica of a role is local to it.
  EnvList env{
      {"DLAUNCH_JOB", job.name},
      {"DLAUNCH_ROLE", role.name},
      {"DLAUNCH_SUBMISSION_ID", context.submission_id},
      {"RANK", std::to_string(rank)},
      {"WORLD_SIZE", std::to_string(role.replicas)},
      {"LOCAL_RANK", std::to_string(rank)},
      {"LOCAL_WORLD_SIZE", std::to_string(role.replicas)},
      {"NODE_RANK", "0"},
      {"MASTER_ADDR", kLocalHost},
      {"MASTER_PORT", port_of(context, role.name)},
      // The role's range of nodes, as torchrun's --nnodes takes it.
      {"DLAUNCH_NNODES", std::to_string(role.min_replicas / role.per_node) + ":" +
                             std::to_string(role.replicas / role.per_node)},
      {kRestartCountVariable, "0"},
      {"DLAUNCH_CONFIG_FILE", context.config_file},
  };
  // Where every role is, so roles find each other (a trainer its parameter servers, say).
  for (const auto& other : job.roles) {
    const std::string prefix = sdk::role_variable_prefix(other.name);
    env.emplace_back(prefix + "MASTER_ADDR", kLocalHost);
    env.emplace_back(prefix + "MASTER_PORT", port_of(context, other.name));
    env.emplace_back(prefix + "HOSTS", kLocalHost);
  }
  const std::string tf_config = sdk::tf_config(job, role, rank, [&](const sdk::Role& member, int64_t r) {
    auto ports = context.tf_ports.find(member.name);
    return std::string(kLocalHost) + ":" + (ports != context.tf_ports.end() ? ports->second.at(r) : std::string());
  });
  if (!tf_config.empty()) env.emplace_back("TF_CONFIG", tf_config);
  // What a shell would set: the inherited value names the directory dlaunch was started in.
  env.emplace_back("PWD", job.working_dir);
  return env;
}

// torchrun (torch.distributed.run) as this replica's program: the replica is one torchrun node, whose
// workers run the entrypoint as given (--no-python: it is a whole argv, python or not).
std::vector<std::string> torchrun_argv(const sdk::Job& job, const sdk::Role& role, int64_t rank,
                                       const LaunchContext& context) {
  const std::string port = role.rdzv_port != 0 ? std::to_string(role.rdzv_port) : port_of(context, role.name);
  std::vector<std::string> argv{"torchrun", "--nproc_per_node=" + std::to_string(role.nproc_per_node),
                                "--max_restarts=" + std::to_string(role.max_restarts)};
  if (role.rdzv_backend == "static") {
    argv.insert(argv.end(), {"--nnodes=" + std::to_string(role.replicas), "--node_rank=" + std::to_string(rank),
                             "--rdzv_backend=static", std::string("--master_addr=") + kLocalHost,
                             "--master_port=" + port});
  } else {
    argv.insert(argv.end(), {"--nnodes=" + std::to_string(role.min_replicas) + ":" + std::to_string(role.replicas),
                             "--rdzv_backend=c10d", std::string("--rdzv_endpoint=") + kLocalHost + ":" + port,
                             "--rdzv_id=" + context.submission_id});
    // How long the first rendezvous waits for min_replicas nodes: the job's start.
    if (job.start_timeout > 0) argv.push_back("--rdzv_conf=join_timeout=" + std::to_string(job.start_timeout));
  }
  argv.push_back("--no-python");
  argv.insert(argv.end(), role.entrypoint.begin(), role.entrypoint.end());
  return argv;
}

bool is_executable_file(const std::filesystem::path& path) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(path, ignored) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::vector<ReplicaLaunch> plan_launches(const sdk::Job& job, const LaunchContext& context) {
  std::vector<ReplicaLaunch> launches;
  for (const auto& role : job.roles) {
    for (int64_t rank = 0; rank < role.replicas; ++rank) {
      ReplicaLaunch launch{role.name, rank, role.driver,
                           role.launcher == "torchrun" ? torchrun_argv(job, role, rank, context) : role.entrypoint,
                           job.working_dir, {}};
      launch.env = dlaunch_env(job, role, rank, context);
      launch.env.insert(launch.env.end(), job.env.begin(), job.env.end());
      launch.env.insert(launch.env.end(), role.env.begin(), role.env.end());
      launches.push_back(std::move(launch));
    }
  }
  return launches;
}

void set_env(EnvList& env, const std::string& name, const std::string& value) {
  for (auto& [existing, old_value] : env) {
    if (existing == name) {
      old_value = value;
      return;
    }
  }
  env.emplace_back(name, value);
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
