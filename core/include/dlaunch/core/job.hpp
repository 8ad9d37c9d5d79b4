// The job model: what a user describes once and dlaunch submits anywhere. Loaded from a spec file
// (spec_loader.hpp + validation.hpp) or built in code (builder.hpp).
#ifndef DLAUNCH_CORE_JOB_HPP_
#define DLAUNCH_CORE_JOB_HPP_

#include <dlaunch/core/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch {

using EnvMap = std::map<std::string, std::string>;

struct Resources {
  double cpu = 1;      // CPUs per replica (fractions allowed)
  int64_t gpu = 0;     // GPUs per replica
  std::string memory;  // per replica, with a unit: "512Mi", "16Gi", "1G"; empty when not given
};

struct Role {
  std::string name;
  // argv. A spec's plain string becomes {"/bin/sh", "-c", STRING} (see shell_entrypoint()).
  std::vector<std::string> entrypoint;
  int64_t replicas = 1;
  int64_t per_node = 1;  // replicas placed together on one node; replicas % per_node == 0
  Resources resources;
  EnvMap env;
  std::optional<bool> driver;  // unset: a driver when no role of the job says driver = true
};

struct Failover {
  int64_t max_restarts = 0;
};

struct Job {
  std::string name;      // DNS label; a spec file's default is its stem
  std::string platform;  // empty: "local" (the CLI's -p wins)
  int64_t node_num = 1;
  std::optional<int64_t> device_per_node;  // unset: not checked against GPUs asked for
  std::string device_type = "CPU";         // CPU | GPU | NPU | TPU
  std::string working_dir = ".";           // relative to the spec file (or the current directory)
  EnvMap env;
  EnvMap labels;
  Failover failover;
  std::vector<Role> roles;
  // [platform.<id>] tables, each validated by that platform's plugin.
  std::map<std::string, Value> platform_options;

  // Where the job came from: the spec file (empty for jobs built in code) and its located tree, which lets
  // later stages point diagnostics at lines and columns.
  std::string spec_file;
  std::optional<Value> source;
};

std::vector<std::string> shell_entrypoint(const std::string& command);

// The platform a job runs on: the override when given, else the job's own, else "local".
std::string effective_platform(const Job& job, const std::string& platform_override);

// Bytes of a memory quantity such as "512Mi" or "1.5G"; nullopt when it has no valid unit.
std::optional<int64_t> parse_memory_bytes(const std::string& quantity);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOB_HPP_
