#include "test_job.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace dlaunch::test {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_map(Writer& out, const std::map<std::string, std::string>& values) {
  out.StartObject();
  for (const auto& [key, value] : values) {
    out.Key(key.c_str());
    out.String(value.c_str());
  }
  out.EndObject();
}

void write_role(Writer& out, const TestRole& role) {
  out.StartObject();
  out.Key("name");
  out.String(role.name.c_str());
  out.Key("entrypoint");
  out.StartArray();
  for (const auto& arg : role.entrypoint) out.String(arg.c_str());
  out.EndArray();
  out.Key("replicas");
  out.Int64(role.replicas);
  out.Key("per_node");
  out.Int64(role.replicas);
  out.Key("resources");
  out.StartObject();
  out.Key("cpu");
  out.Double(1.0);
  out.Key("gpu");
  out.Int64(role.gpu);
  out.Key("memory_bytes");
  out.Int64(0);
  out.EndObject();
  out.Key("env");
  write_map(out, role.env);
  out.Key("driver");
  out.Bool(role.driver);
  out.EndObject();
}

}  // namespace

std::string TestJob::json() const {
  rapidjson::StringBuffer buffer;
  Writer out(buffer);
  out.StartObject();
  out.Key("schema_version");
  out.Int(1);
  out.Key("name");
  out.String(name.c_str());
  out.Key("spec_file");
  out.String("");
  out.Key("node_num");
  out.Int64(node_num);
  out.Key("device_per_node");
  out.Int64(0);
  out.Key("device_type");
  out.String("CPU");
  out.Key("working_dir");
  out.String(working_dir.c_str());
  out.Key("env");
  write_map(out, env);
  out.Key("labels");
  write_map(out, {});
  out.Key("failover");
  out.StartObject();
  out.Key("max_restarts");
  out.Int64(max_restarts);
  out.EndObject();
  out.Key("roles");
  out.StartArray();
  for (const auto& role : roles) write_role(out, role);
  out.EndArray();
  out.Key("platform");
  out.StartObject();
  out.Key("stop_grace_seconds");
  out.Int64(stop_grace_seconds);
  out.EndObject();
  out.EndObject();
  return buffer.GetString();
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
