// Job documents for the local plugin's tests, and checks on the processes a job leaves behind.
#ifndef DLAUNCH_TESTS_LOCAL_TEST_JOB_HPP_
#define DLAUNCH_TESTS_LOCAL_TEST_JOB_HPP_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dlaunch::test {

struct TestRole {
  std::string name = "worker";
  std::vector<std::string> entrypoint;
  int64_t replicas = 1;
  bool driver = true;
  int64_t gpu = 0;
  std::map<std::string, std::string> env;
  int64_t per_node = 0;       // 0: replicas (the whole role on one node)
  int64_t min_replicas = 0;   // 0: replicas
  int64_t max_restarts = -1;  // -1: the job's failover.max_restarts
  std::string launcher = "direct";
  int64_t nproc_per_node = 1;
  std::string rdzv_backend = "c10d";
  std::string tf_task = "none";
};

struct TestJob {
  std::string name = "test-job";
  std::string working_dir = "/tmp";
  int64_t node_num = 1;
  int64_t max_restarts = 0;
  std::string scope = "job";
  int64_t start_timeout = 0;
  std::string priority = "normal";
  std::string config_json = "{}";
  int64_t stop_grace_seconds = 10;
  std::map<std::string, std::string> env;
  std::vector<TestRole> roles;

  // The normalized job document the host would pass.
  std::string json() const;
};

// A role whose replicas run `script` with /bin/sh -c, as a spec's string entrypoint arrives.
TestRole shell_role(const std::string& name, const std::string& script, int64_t replicas = 1);

// True while `pid` runs (a zombie does not count: this machine's init may never reap it).
bool is_running(pid_t pid);

// The pid written in `path`, waiting up to `timeout` for the file to appear with content; 0 on timeout.
pid_t read_pid_file(const std::string& path, std::chrono::seconds timeout = std::chrono::seconds(10));

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_LOCAL_TEST_JOB_HPP_
