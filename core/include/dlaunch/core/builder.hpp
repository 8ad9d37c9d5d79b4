// The Job Definition API in code, in the spirit of DLRover's DLJobBuilder:
//
//   Job job = JobBuilder("mnist")
//                 .node_num(1)
//                 .role("trainer").entrypoint({"python3", "train.py"}).replicas(4)
//                 .resources({.cpu = 4, .gpu = 1, .memory_bytes = 16LL << 30})
//                 .build();
//
// The builder only assembles; validate the result with validate_job() (validation.hpp), which reports key
// paths where a file would have lines and columns.
#ifndef DLAUNCH_CORE_BUILDER_HPP_
#define DLAUNCH_CORE_BUILDER_HPP_

#include <dlaunch/core/job.hpp>

#include <string>
#include <vector>

namespace dlaunch {

class JobBuilder {
 public:
  explicit JobBuilder(std::string name);

  JobBuilder& platform(std::string id);
  JobBuilder& node_num(int64_t n);
  JobBuilder& device_per_node(int64_t n);
  JobBuilder& device_type(std::string type);
  JobBuilder& working_dir(std::string dir);
  JobBuilder& env(std::string name, std::string value);
  JobBuilder& label(std::string name, std::string value);
  JobBuilder& max_restarts(int64_t n);
  JobBuilder& failover_scope(std::string scope);  // "job", "role" or "replica"
  JobBuilder& start_timeout_seconds(int64_t seconds);
  JobBuilder& priority(std::string priority);     // "low", "normal" or "high"
  // The [config] table: a Value table (Value::table(), then set()).
  JobBuilder& config(Value table);
  // Sets one option of [platform.<id>]; value is a JSON-like Value.
  JobBuilder& platform_option(const std::string& platform_id, std::string name, Value value);

  // Starts a new role; the calls below apply to the role last started.
  JobBuilder& role(std::string name);
  JobBuilder& entrypoint(std::vector<std::string> argv);
  JobBuilder& command(const std::string& shell_command);  // runs under /bin/sh -c
  JobBuilder& replicas(int64_t n);
  JobBuilder& per_node(int64_t n);
  JobBuilder& resources(Resources r);
  JobBuilder& role_env(std::string name, std::string value);
  JobBuilder& driver(bool is_driver = true);
  JobBuilder& min_replicas(int64_t n);
  JobBuilder& role_max_restarts(int64_t n);  // the role's own limit (default: max_restarts)
  // launcher = "torchrun" with its workers per replica.
  JobBuilder& torchrun(int64_t nproc_per_node);

  Job build() const { return job_; }

 private:
  Role& current_role();
  Job job_;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_BUILDER_HPP_
