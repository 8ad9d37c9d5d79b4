#include "replica_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace dlaunch::local {
namespace {

std::vector<std::string> replica_environment(const EnvList& overrides) {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq != std::string_view::npos) env[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
  }
  for (const auto& [name, value] : overrides) env[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// posix_spawn's file actions and attributes, released on every path out.
class SpawnSetup {
 public:
  SpawnSetup(int output_fd, const std::string& working_dir) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions_, output_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions_, output_fd, STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions_, STDERR_FILENO + 1);
    posix_spawn_file_actions_addchdir_np(&actions_, working_dir.c_str());

    posix_spawnattr_init(&attributes_);
    // The supervisor blocks and catches signals; a replica starts with the defaults.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes_, &none);
    posix_spawnattr_setsigdefault(&attributes_, &all);
    posix_spawnattr_setpgroup(&attributes_, 0);
    posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

}  // namespace

StartedReplica start_replica(const ReplicaLaunch& launch) {
  std::error_code error;
  if (!std::filesystem::is_directory(launch.working_dir, error)) {
    throw std::runtime_error("the working directory " + launch.working_dir + " does not exist");
  }
  std::string program = find_program(launch.argv.at(0), search_path(launch), launch.working_dir);
  if (program.empty()) {
    throw std::runtime_error("cannot find program '" + launch.argv[0] + "' (PATH and working directory " +
                             launch.working_dir + ")");
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);

  std::vector<std::string> args = launch.argv;
  std::vector<std::string> env = replica_environment(launch.env);
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);
  SpawnSetup setup(pipe_fds[1], launch.working_dir);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), setup.actions(), setup.attributes(), c_args.data(), c_env.data());
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }
  return StartedReplica{pid, pipe_fds[0]};
}

}  // namespace dlaunch::local
