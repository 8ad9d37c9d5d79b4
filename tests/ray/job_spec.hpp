// Test jobs, written both as the normalized job document the host hands a plugin and as a TOML spec file
// for the CLI.
#ifndef DLAUNCH_TESTS_RAY_JOB_SPEC_HPP_
#define DLAUNCH_TESTS_RAY_JOB_SPEC_HPP_

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch::ray_test {

struct RoleSpec {
  std::string name = "main";
  std::string command;  // a shell command line (a spec's string entrypoint)
  int replicas = 1;
  int per_node = 1;
  double cpu = 0.5;
  std::map<std::string, std::string> env;
  bool driver = true;
  double gpu = 0;  // below 1: a share of one device (document version 3)
  // Schema 2 (a document of version 2 once one differs from its default).
  int max_restarts = -1;  // -1: the job's failover.max_restarts
  std::string launcher = "direct";
  int nproc_per_node = 1;
  int min_replicas = 0;  // 0: replicas
  std::string tf_task = "none";
};

struct JobSpec {
  std::string name = "ray-test";
  std::string working_dir;  // absolute; empty for none
  std::map<std::string, std::string> env;
  int max_restarts = 0;
  std::string scope = "job";   // failover.scope
  int start_timeout = 0;       // seconds
  std::string config_toml;     // the [config] table's body, as TOML lines; empty for none
  std::vector<RoleSpec> roles;
  std::vector<std::vector<std::string>> colocations;  // [[colocations]] roles = [...]
  // [platform.ray] options: name and value, the value written the same in JSON and TOML (a string in
  // quotes, a number, a boolean, an array of strings).
  std::vector<std::pair<std::string, std::string>> platform;

  JobSpec& option(const std::string& name, const std::string& literal) {
    platform.emplace_back(name, literal);
    return *this;
  }
  std::string document() const;  // the job document (schema_version 1 unless a field of version 2 or 3 is used)
  std::string toml() const;       // a spec file
  std::string platform_json() const;  // the options alone, as a JSON object (a job reference's options_json)
};

// "text" as a JSON/TOML string literal.
std::string string_literal(const std::string& text);

// A one-role, one-replica job running `command`.
JobSpec shell_job(const std::string& name, const std::string& command);

}  // namespace dlaunch::ray_test

#endif  // DLAUNCH_TESTS_RAY_JOB_SPEC_HPP_
