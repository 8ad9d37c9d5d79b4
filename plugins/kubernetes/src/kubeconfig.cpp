#include "kubeconfig.hpp"

#include <dlaunch/plugin.hpp>
#include <dlaunch_support/bounded_file.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace dlaunch::kubernetes {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void invalid(const std::string& message) { throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, message); }

// One named entry (cluster, user or context) with the file it came from, for relative paths and messages.
struct Entry {
  YAML::Node node;
  std::string file;
};

struct Merged {
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context;
  std::string files;  // for messages
};

std::string located(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

YAML::Node load_file(const std::string& file) {
  const auto text = support::read_bounded_file(file);
  if (!text) invalid("cannot read the kubeconfig " + file + ": " + text.error());
  try {
    return YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    invalid(located(file, e.mark) + ": not a valid kubeconfig: " + e.msg);
  }
}

std::string text(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return {};
  YAML::Node value = node[key];
  if (!value || value.IsNull()) return {};
  if (!value.IsScalar()) return {};
  return value.as<std::string>();
}

bool flag(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return false;
  YAML::Node value = node[key];
  return value && value.IsScalar() && value.as<std::string>() == "true";
}

// Adds a file's named list (clusters, users, contexts): an earlier file's entry of the same name wins.
void merge_list(const YAML::Node& root, const char* list, const char* body, const std::string& file,
                std::map<std::string, Entry>& into) {
  YAML::Node items = root[list];
  if (!items || items.IsNull()) return;
  if (!items.IsSequence()) invalid(located(file, items.Mark()) + ": '" + list + "' must be a list");
  for (const auto& item : items) {
    std::string name = text(item, "name");
    if (name.empty()) invalid(located(file, item.Mark()) + ": an entry of '" + list + "' has no name");
    into.try_emplace(name, Entry{item[body] ? item[body] : YAML::Node(YAML::NodeType::Map), file});
  }
}

Merged merge(const std::vector<std::string>& files) {
  Merged merged;
  for (const auto& file : files) {
    YAML::Node root = load_file(file);
    if (root.IsNull()) continue;  // an empty file is an empty config, as in kubectl
    if (!root.IsMap()) invalid(file + ": a kubeconfig must be a YAML mapping");
    merge_list(root, "clusters", "cluster", file, merged.clusters);
    merge_list(root, "users", "user", file, merged.users);
    merge_list(root, "contexts", "context", file, merged.contexts);
    if (merged.current_context.empty()) merged.current_context = text(root, "current-context");
    merged.files += (merged.files.empty() ? "" : ":") + file;
  }
  return merged;
}

// A path from a kubeconfig, made absolute against the file's directory.
std::string resolve_path(const std::string& path, const std::string& file) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  if (path.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    return home != nullptr ? (fs::path(home) / path.substr(2)).string() : path;
  }
  return (fs::path(file).parent_path() / path).lexically_normal().string();
}

std::string names_of(const std::map<std::string, Entry>& entries) {
  std::string out;
  for (const auto& [name, entry] : entries) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

void read_exec(const Entry& user, ClusterAccess& access) {
  YAML::Node exec = user.node["exec"];
  if (!exec) return;
  ExecPlugin plugin;
  plugin.api_version = text(exec, "apiVersion");
  plugin.command = text(exec, "command");
  if (plugin.command.empty()) invalid(located(user.file, exec.Mark()) + ": the exec credential plugin has no command");
  if (plugin.command.find('/') != std::string::npos) plugin.command = resolve_path(plugin.command, user.file);
  if (YAML::Node args = exec["args"]; args && args.IsSequence()) {
    for (const auto& arg : args) plugin.args.push_back(arg.as<std::string>());
  }
  if (YAML::Node env = exec["env"]; env && env.IsSequence()) {
    for (const auto& var : env) plugin.env.emplace_back(text(var, "name"), text(var, "value"));
  }
  plugin.install_hint = text(exec, "installHint");
  access.exec = std::move(plugin);
}

ClusterAccess from_kubeconfig(const Merged& merged, const std::string& wanted_context) {
  std::string context_name = wanted_context.empty() ? merged.current_context : wanted_context;
  if (context_name.empty()) {
    invalid("the kubeconfig (" + merged.files + ") has no current-context; choose one of its contexts (" +
            names_of(merged.contexts) + ") with [platform.kubernetes] context");
  }
  auto context = merged.contexts.find(context_name);
  if (context == merged.contexts.end()) {
    invalid("the kubeconfig (" + merged.files + ") has no context '" + context_name + "'; it has: " +
            names_of(merged.contexts));
  }
  ClusterAccess access;
  access.source = "kubeconfig " + merged.files;
  access.context = context_name;
  access.cluster_name = text(context->second.node, "cluster");
  access.user_name = text(context->second.node, "user");
  access.namespace_ = text(context->second.node, "namespace");

  auto cluster = merged.clusters.find(access.cluster_name);
  if (cluster == merged.clusters.end()) {
    invalid("context '" + context_name + "' (" + context->second.file + ") names cluster '" + access.cluster_name +
            "', which no kubeconfig file defines");
  }
  const YAML::Node& c = cluster->second.node;
  access.server = text(c, "server");
  while (access.server.ends_with('/')) access.server.pop_back();
  if (access.server.empty()) invalid("cluster '" + access.cluster_name + "' (" + cluster->second.file + ") has no server");
  access.ca_file = resolve_path(text(c, "certificate-authority"), cluster->second.file);
  if (std::string data = text(c, "certificate-authority-data"); !data.empty()) {
    access.ca_pem = decode_base64(data, "certificate-authority-data of cluster '" + access.cluster_name + "'");
  }
  access.insecure_skip_tls_verify = flag(c, "insecure-skip-tls-verify");
  access.proxy_url = text(c, "proxy-url");

  if (access.user_name.empty()) return access;  // anonymous
  auto user = merged.users.find(access.user_name);
  if (user == merged.users.end()) {
    invalid("context '" + context_name + "' (" + context->second.file + ") names user '" + access.user_name +
            "', which no kubeconfig file defines");
  }
  const YAML::Node& u = user->second.node;
  read_exec(user->second, access);
  access.token = text(u, "token");
  access.token_file = resolve_path(text(u, "tokenFile"), user->second.file);
  access.cert_file = resolve_path(text(u, "client-certificate"), user->second.file);
  access.key_file = resolve_path(text(u, "client-key"), user->second.file);
  const std::string who = "user '" + access.user_name + "'";
  if (std::string data = text(u, "client-certificate-data"); !data.empty()) {
    access.cert_pem = decode_base64(data, "client-certificate-data of " + who);
  }
  if (std::string data = text(u, "client-key-data"); !data.empty()) {
    access.key_pem = decode_base64(data, "client-key-data of " + who);
  }
  access.username = text(u, "username");
  if (YAML::Node provider = u["auth-provider"]; provider && provider.IsMap()) access.auth_provider = text(provider, "name");
  return access;
}

std::optional<ClusterAccess> in_cluster(const Environment& env) {
  auto host = env.get("KUBERNETES_SERVICE_HOST");
  auto port = env.get("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty()) return std::nullopt;
  fs::path dir(env.service_account_dir);
  ClusterAccess access;
  access.source = "in-cluster service account (" + dir.string() + ")";
  // An IPv6 service address needs brackets in a URL.
  std::string address = host->find(':') != std::string::npos ? "[" + *host + "]" : *host;
  access.server = "https://" + address + ":" + (port && !port->empty() ? *port : "443");
  access.token_file = (dir / "token").string();
  access.ca_file = (dir / "ca.crt").string();
  std::ifstream ns(dir / "namespace");
  std::getline(ns, access.namespace_);
  return access;
}

}  // namespace

Environment Environment::process() {
  Environment env;
  env.get = [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  return env;
}

KubeconfigFiles kubeconfig_files(const std::string& explicit_file, const Environment& env) {
  KubeconfigFiles files;
  if (!explicit_file.empty()) {
    if (!fs::exists(explicit_file)) {
      invalid("the kubeconfig " + explicit_file + " ([platform.kubernetes] kubeconfig) does not exist");
    }
    files.paths.push_back(explicit_file);
    files.origin = "[platform.kubernetes] kubeconfig";
    return files;
  }
  if (auto list = env.get("KUBECONFIG"); list && !list->empty()) {
    files.origin = "KUBECONFIG";
    std::stringstream items(*list);
    std::string path;
    while (std::getline(items, path, ':')) {
      if (!path.empty() && fs::exists(path)) files.paths.push_back(path);
    }
    return files;
  }
  files.origin = "~/.kube/config";
  if (auto home = env.get("HOME"); home && !home->empty()) {
    fs::path path = fs::path(*home) / ".kube" / "config";
    if (fs::exists(path)) files.paths.push_back(path.string());
  }
  return files;
}

std::optional<ClusterAccess> load_access(const std::string& explicit_file, const std::string& context,
                                         const Environment& env) {
  KubeconfigFiles files = kubeconfig_files(explicit_file, env);
  if (files.paths.empty()) {
    if (!context.empty()) {
      invalid("[platform.kubernetes] context = '" + context + "' but no kubeconfig was found (" + files.origin + ")");
    }
    return in_cluster(env);
  }
  Merged merged = merge(files.paths);
  try {
    return from_kubeconfig(merged, context);
  } catch (const YAML::Exception& e) {
    // A value of the wrong kind where the reader indexes or converts (a scalar where a map belongs, a list
    // in a list of strings) is yaml-cpp's exception: the user's mistake, located, never a crash.
    invalid(located(merged.files, e.mark) + ": not a valid kubeconfig: " + e.msg);
  }
}

std::string decode_base64(const std::string& text, const std::string& what) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    int v = value(c);
    if (v < 0) invalid("the " + what + " is not base64");
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

}  // namespace dlaunch::kubernetes
