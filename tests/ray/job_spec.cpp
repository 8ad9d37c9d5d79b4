#include "job_spec.hpp"

#include <dlaunch/job_document.hpp>

#include <cstdio>
#include <stdexcept>

namespace dlaunch::ray_test {
namespace {

std::string string_table(const std::map<std::string, std::string>& map, const char* separator) {
  std::string out = "{";
  for (const auto& [k, v] : map) {
    if (out.size() > 1) out += ", ";
    out += string_literal(k) + separator + string_literal(v);
  }
  return out + "}";
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  std::string out = text;
  return out.find_first_of(".e") == std::string::npos ? out + ".0" : out;
}

}  // namespace

std::string string_literal(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string JobSpec::platform_json() const {
  std::string out = "{";
  for (const auto& [name, literal] : platform) {
    if (out.size() > 1) out += ", ";
    out += string_literal(name) + ": " + literal;
  }
  return out + "}";
}

std::string JobSpec::document() const {
  sdk::Job job;
  job.name = name;
  job.working_dir = working_dir;
  job.env = env;
  job.labels = {{"suite", "ray-tests"}};
  job.failover.max_restarts = max_restarts;
  job.failover.scope = scope;
  job.start_timeout = start_timeout;
  if (!config_toml.empty()) throw std::logic_error("config_toml is for toml(); the CLI turns it into JSON");
  for (const auto& spec : roles) {
    sdk::Role& role = job.roles.emplace_back();
    role.name = spec.name;
    role.entrypoint = {"/bin/sh", "-c", spec.command};
    role.replicas = spec.replicas;
    role.per_node = spec.per_node;
    role.resources.cpu = spec.cpu;
    if (spec.gpu < 1) {
      role.resources.gpu_share = spec.gpu;
    } else {
      role.resources.gpu = static_cast<int64_t>(spec.gpu);
    }
    role.env = spec.env;
    role.driver = spec.driver;
    if (spec.max_restarts >= 0) role.max_restarts = spec.max_restarts;
    if (spec.min_replicas > 0) role.min_replicas = spec.min_replicas;
    role.launcher = spec.launcher;
    role.nproc_per_node = spec.nproc_per_node;
    role.tf_task = spec.tf_task;
  }
  for (const auto& names : colocations) job.colocations.push_back({names});
  job.platform = sdk::Options::parse(platform_json());
  return sdk::write_job(job);
}

std::string JobSpec::toml() const {
  std::string out = "name = " + string_literal(name) + "\n";
  if (!working_dir.empty()) out += "working_dir = " + string_literal(working_dir) + "\n";
  if (!env.empty()) out += "env = " + string_table(env, " = ") + "\n";
  out += "labels = { suite = \"ray-tests\" }\n";
  if (start_timeout > 0) out += "start_timeout = " + std::to_string(start_timeout) + "\n";
  if (max_restarts > 0 || scope != "job") {
    out += "\n[failover]\nmax_restarts = " + std::to_string(max_restarts) + "\nscope = " + string_literal(scope) + "\n";
  }
  if (!config_toml.empty()) out += "\n[config]\n" + config_toml;
  for (const auto& role : roles) {
    out += "\n[[roles]]\nname = " + string_literal(role.name) + "\nentrypoint = " + string_literal(role.command) +
           "\nreplicas = " + std::to_string(role.replicas) + "\nper_node = " + std::to_string(role.per_node) +
           "\nresources = { cpu = " + number(role.cpu) + ", gpu = " + number(role.gpu) + " }\n";
    if (!role.env.empty()) out += "env = " + string_table(role.env, " = ") + "\n";
    out += std::string("driver = ") + (role.driver ? "true" : "false") + "\n";
    if (role.max_restarts >= 0) out += "max_restarts = " + std::to_string(role.max_restarts) + "\n";
    if (role.min_replicas > 0) out += "min_replicas = " + std::to_string(role.min_replicas) + "\n";
    if (role.tf_task != "none") out += "tf_task = " + string_literal(role.tf_task) + "\n";
    if (role.launcher != "direct") {
      out += "launcher = " + string_literal(role.launcher) + "\nnproc_per_node = " + std::to_string(role.nproc_per_node) + "\n";
    }
  }
  for (const auto& names : colocations) {
    out += "\n[[colocations]]\nroles = [";
    for (size_t i = 0; i < names.size(); ++i) out += (i > 0 ? ", " : "") + string_literal(names[i]);
    out += "]\n";
  }
  if (!platform.empty()) {
    out += "\n[platform.ray]\n";
    for (const auto& [name, literal] : platform) out += name + " = " + literal + "\n";
  }
  return out;
}

JobSpec shell_job(const std::string& name, const std::string& command) {
  JobSpec job;
  job.name = name;
  RoleSpec role;
  role.command = command;
  job.roles.push_back(role);
  return job;
}

}  // namespace dlaunch::ray_test
