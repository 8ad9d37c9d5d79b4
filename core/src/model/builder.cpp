#include <dlaunch/core/builder.hpp>

#include <stdexcept>
#include <utility>

namespace dlaunch {

JobBuilder::JobBuilder(std::string name) { job_.name = std::move(name); }

JobBuilder& JobBuilder::platform(std::string id) {
  job_.platform = std::move(id);
  return *this;
}
JobBuilder& JobBuilder::node_num(int64_t n) {
  job_.node_num = n;
  return *this;
}
JobBuilder& JobBuilder::device_per_node(int64_t n) {
  job_.device_per_node = n;
  return *this;
}
JobBuilder& JobBuilder::device_type(std::string type) {
  job_.device_type = std::move(type);
  return *this;
}
JobBuilder& JobBuilder::working_dir(std::string dir) {
  job_.working_dir = std::move(dir);
  return *this;
}
JobBuilder& JobBuilder::env(std::string name, std::string value) {
  job_.env[std::move(name)] = std::move(value);
  return *this;
}
JobBuilder& JobBuilder::label(std::string name, std::string value) {
  job_.labels[std::move(name)] = std::move(value);
  return *this;
}
JobBuilder& JobBuilder::max_restarts(int64_t n) {
  job_.failover.max_restarts = n;
  return *this;
}
JobBuilder& JobBuilder::failover_scope(std::string scope) {
  job_.failover.scope = std::move(scope);
  return *this;
}
JobBuilder& JobBuilder::start_timeout_seconds(int64_t seconds) {
  job_.start_timeout = seconds;
  return *this;
}
JobBuilder& JobBuilder::priority(std::string priority) {
  job_.priority = std::move(priority);
  return *this;
}
JobBuilder& JobBuilder::config(Value table) {
  job_.config = std::move(table);
  return *this;
}
JobBuilder& JobBuilder::platform_option(const std::string& platform_id, std::string name, Value value) {
  auto [it, inserted] = job_.platform_options.try_emplace(platform_id, Value::table());
  it->second.set(std::move(name), std::move(value));
  return *this;
}

JobBuilder& JobBuilder::role(std::string name) {
  Role r;
  r.name = std::move(name);
  job_.roles.push_back(std::move(r));
  return *this;
}
JobBuilder& JobBuilder::entrypoint(std::vector<std::string> argv) {
  current_role().entrypoint = std::move(argv);
  return *this;
}
JobBuilder& JobBuilder::command(const std::string& shell_command) {
  current_role().entrypoint = shell_entrypoint(shell_command);
  return *this;
}
JobBuilder& JobBuilder::replicas(int64_t n) {
  current_role().replicas = n;
  return *this;
}
JobBuilder& JobBuilder::per_node(int64_t n) {
  current_role().per_node = n;
  return *this;
}
JobBuilder& JobBuilder::resources(Resources r) {
  current_role().resources = std::move(r);
  return *this;
}
JobBuilder& JobBuilder::role_env(std::string name, std::string value) {
  current_role().env[std::move(name)] = std::move(value);
  return *this;
}
JobBuilder& JobBuilder::driver(bool is_driver) {
  current_role().driver = is_driver;
  return *this;
}

JobBuilder& JobBuilder::min_replicas(int64_t n) {
  current_role().min_replicas = n;
  return *this;
}
JobBuilder& JobBuilder::role_max_restarts(int64_t n) {
  current_role().max_restarts = n;
  return *this;
}
JobBuilder& JobBuilder::torchrun(int64_t nproc_per_node) {
  current_role().launcher = "torchrun";
  current_role().nproc_per_node = nproc_per_node;
  return *this;
}

Role& JobBuilder::current_role() {
  // A programming error in the caller, not a user input problem: fail loudly.
  if (job_.roles.empty()) throw std::logic_error("JobBuilder: call role(name) before setting role fields");
  return job_.roles.back();
}

}  // namespace dlaunch
