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

// `master_ports` maps each role to the MASTER_PORT its replicas get (a number, or a placeholder in dry-run).
// `restart_count` is exported as DLAUNCH_RESTART_COUNT so a program can tell a restart from a first run.
std::vector<ReplicaLaunch> plan_launches(const sdk::Job& job, const std::map<std::string, std::string>& master_ports,
                                         uint32_t restart_count);

// The PATH the replica's program is looked up in: its own env's, so a job that sets PATH (a virtualenv, say)
// gets its programs; else the supervisor's; else a default.
std::string search_path(const ReplicaLaunch& launch);

// Where `program` (argv[0]) is found the way a shell would: a name with a '/' relative to `working_dir`, any
// other name in the directories of `path` (a PATH value). Empty when there is no executable file.
std::string find_program(const std::string& program, const std::string& path, const std::string& working_dir);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_LAUNCH_PLAN_HPP_
