// What the local platform starts for a job: one process per replica of every role, with its argv, working
// directory and the environment variables dlaunch adds. Shared by dry_run (which prints it) and the
// supervisor (which runs it), so what is printed is what runs.
#ifndef DLAUNCH_LOCAL_LAUNCH_PLAN_HPP_
#define DLAUNCH_LOCAL_LAUNCH_PLAN_HPP_

#include <dlaunch/job_document.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch::local {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// The name of the variable that counts a replica's restarts, the same on every platform (docs/job-spec.md).
inline constexpr const char* kRestartCountVariable = "DLAUNCH_RESTART_COUNT";

struct ReplicaLaunch {
  std::string role;
  int64_t rank = 0;
  bool driver = true;
  std::vector<std::string> argv;
  std::string working_dir;
  // In the order they are applied over the supervisor's own environment: dlaunch's variables, then the job's
  // env, then the role's env (a later entry wins).
  EnvList env;

  std::string label() const { return role + "/" + std::to_string(rank); }  // "trainer/0"
};

// What an attempt's launches depend on besides the job (placeholders in a dry run).
struct LaunchContext {
  std::map<std::string, std::string> master_ports;  // each role's MASTER_PORT
  std::string submission_id;                        // DLAUNCH_SUBMISSION_ID, torchrun's --rdzv_id
  std::string config_file;                          // DLAUNCH_CONFIG_FILE: the job's config as JSON
  // The port of each replica's TensorFlow server, by rank, for each role with a tf_task (TF_CONFIG).
  std::map<std::string, std::vector<std::string>> tf_ports;
};

// Every replica's launch, DLAUNCH_RESTART_COUNT at 0 (set_env changes it for a restart).
std::vector<ReplicaLaunch> plan_launches(const sdk::Job& job, const LaunchContext& context);

// Sets `name` in `env`, in place when it is there already.
void set_env(EnvList& env, const std::string& name, const std::string& value);

// The PATH the replica's program is looked up in: its own env's, so a job that sets PATH (a virtualenv, say)
// gets its programs; else the supervisor's; else a default.
std::string search_path(const ReplicaLaunch& launch);

// Where `program` (argv[0]) is found the way a shell would: a name with a '/' relative to `working_dir`, any
// other name in the directories of `path` (a PATH value). Empty when there is no executable file.
std::string find_program(const std::string& program, const std::string& path, const std::string& working_dir);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_LAUNCH_PLAN_HPP_
