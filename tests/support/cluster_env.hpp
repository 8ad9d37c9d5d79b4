// Test support for the cluster fixtures (Ray, Slurm, Kubernetes): where a fixture's start script left its
// cluster, and whether a missing cluster fails the test (CI) or skips it.
#ifndef DLAUNCH_TESTS_SUPPORT_CLUSTER_ENV_HPP_
#define DLAUNCH_TESTS_SUPPORT_CLUSTER_ENV_HPP_

#include <map>
#include <string>

namespace dlaunch::test {

// Reads the `export NAME=VALUE` lines of an env file written by a cluster's start script. Values are taken
// as written: the scripts write only values that need no quoting (paths, URLs, tokens, user names).
std::map<std::string, std::string> read_env_file(const std::string& path);

// True under CI=true, where a cluster that is not there fails its tests instead of skipping them.
bool running_in_ci();

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_CLUSTER_ENV_HPP_
