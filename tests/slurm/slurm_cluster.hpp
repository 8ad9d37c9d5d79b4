// The Slurm test cluster the CTest fixture starts (start-cluster.sh), as the tests see it, and the fixture
// of the tests that drive the built `dlaunch` against it: a private XDG_STATE_HOME (journal) and a work
// directory (the jobs' working_dir and output directory) owned by the user the cluster runs jobs as.
#ifndef DLAUNCH_TESTS_SLURM_SLURM_CLUSTER_HPP_
#define DLAUNCH_TESTS_SLURM_SLURM_CLUSTER_HPP_

#include <gtest/gtest.h>
#include <support/cluster_env.hpp>
#include <support/process.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch::slurm_test {

// What start-cluster.sh wrote in its environment file.
struct Cluster {
  std::string slurm_conf;
  std::string socket;    // slurmrestd, local authentication
  std::string url;       // slurmrestd, JWT authentication
  std::string jwt;       // a token of job_user for url
  std::string job_user;  // who jobs run as
};

// The running cluster, or why there is none.
struct ClusterOrReason {
  std::optional<Cluster> cluster;
  std::string reason;
};
ClusterOrReason running_cluster();

using test::running_in_ci;

// One role of a test job.
struct RoleSpec {
  std::string name = "main";
  std::vector<std::string> entrypoint;  // argv
  int replicas = 1;
  int per_node = 1;
  double cpu = 1;
  std::map<std::string, std::string> env;
};

struct JobSpec {
  explicit JobSpec(std::vector<RoleSpec> job_roles, std::string job_name = "slurm-test")
      : name(std::move(job_name)), roles(std::move(job_roles)) {}
  std::string name;
  std::vector<RoleSpec> roles;
  std::map<std::string, std::string> env;
  int max_restarts = 0;
};

// `command` run by /bin/sh -c, as a spec's string entrypoint is.
RoleSpec shell_role(const std::string& name, const std::string& command);

// The spec as TOML.
std::string to_toml(const JobSpec& spec);

// A value as a TOML basic string, every character that needs it escaped.
std::string toml_string(const std::string& text);

class SlurmClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Writes the spec as job.toml in the work directory and returns its path.
  std::string write_spec(const JobSpec& spec) const;
  // Runs the built dlaunch with the test's state, reaching the cluster's socket through
  // DLAUNCH_SLURM_SOCKET, plus `env`.
  test::ProcessResult dlaunch(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                              std::chrono::seconds timeout = std::chrono::seconds(180)) const;
  // How dlaunch() runs processes: the test's state and work directory, the cluster, plus `env`.
  test::ProcessOptions process_options(const std::map<std::string, std::string>& env,
                                       std::chrono::seconds timeout) const;
  // `dlaunch run SPEC -p slurm` without waiting: returns the handle it printed (fails the test otherwise).
  std::string run(const JobSpec& spec);
  // Polls `dlaunch status` until its text shows `word` (e.g. "RUNNING"); returns that text.
  std::string wait_for_status(const std::string& handle, const std::string& word,
                              std::chrono::seconds timeout = std::chrono::seconds(60)) const;
  std::string path(const std::string& name) const { return work_.path() + "/" + name; }

  Cluster cluster_;
  test::TempDir state_;
  test::TempDir work_;
};

// The handle `run --wait/--follow` reports on stderr ("submitted slurm:N"), or "".
std::string submitted_handle(const test::ProcessResult& result);

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace dlaunch::slurm_test

#endif  // DLAUNCH_TESTS_SLURM_SLURM_CLUSTER_HPP_
