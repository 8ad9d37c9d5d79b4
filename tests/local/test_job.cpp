#include "test_job.hpp"

#include <dlaunch/job_document.hpp>

#include <fstream>
#include <sstream>
#include <thread>

namespace dlaunch::test {
std::string TestJob::json() const {
  sdk::Job job;
  job.name = name;
  job.working_dir = working_dir;
  job.node_num = node_num;
  job.env = env;
  job.failover.max_restarts = max_restarts;
  job.failover.scope = scope;
  job.start_timeout = start_timeout;
  job.priority = priority;
  job.config = sdk::Options::parse(config_json);
  for (const TestRole& r : roles) {
    sdk::Role& role = job.roles.emplace_back();
    role.name = r.name;
    role.entrypoint = r.entrypoint;
    role.replicas = r.replicas;
    role.per_node = r.per_node > 0 ? r.per_node : r.replicas;
    role.resources.gpu = r.gpu;
    role.env = r.env;
    role.driver = r.driver;
    role.min_replicas = r.min_replicas;
    role.max_restarts = r.max_restarts;
    role.launcher = r.launcher;
    role.nproc_per_node = r.nproc_per_node;
    role.rdzv_backend = r.rdzv_backend;
    role.tf_task = r.tf_task;
  }
  job.platform = sdk::Options::parse("{\"stop_grace_seconds\":" + std::to_string(stop_grace_seconds) + "}");
  return sdk::write_job(job);
}

TestRole shell_role(const std::string& name, const std::string& script, int64_t replicas) {
  TestRole role;
  role.name = name;
  role.entrypoint = {"/bin/sh", "-c", script};
  role.replicas = replicas;
  return role;
}

bool is_running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

pid_t read_pid_file(const std::string& path, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

}  // namespace dlaunch::test
