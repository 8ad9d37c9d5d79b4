#include "credentials.hpp"

#include <dlaunch/plugin.hpp>
#include <dlaunch_support/bounded_file.hpp>
#include <dlaunch_support/json.hpp>
#include <rapidjson/document.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace dlaunch::kubernetes {
namespace {

constexpr const char* kExecApiVersion = "client.authentication.k8s.io/v1";

[[noreturn]] void refuse(const std::string& message) { throw sdk::Error(DLAUNCH_ERR_UNAUTHENTICATED, message); }

std::string read_token_file(const std::string& path, const std::string& who) {
  const auto text = support::read_bounded_file(path);
  if (!text) refuse("cannot read the token file " + path + " of " + who + ": " + text.error());
  std::string token = *text;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

struct ProcessResult {
  int exit_code = -1;
  std::string out;
};

// Runs argv with the extra environment, stdin from /dev/null, stderr passed through (plugins print their
// prompts and errors there, as under kubectl), and collects stdout.
ProcessResult run_plugin(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) refuse(std::string("cannot start the exec credential plugin: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const auto& extra : extra_env) env_strings.push_back(extra);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    ProcessResult failed;
    failed.out = std::strerror(spawned);
    return failed;
  }
  ProcessResult result;
  char buffer[4096];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) result.out.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string member_text(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

void run_exec_plugin(const ClusterAccess& access, Credentials& credentials) {
  const ExecPlugin& plugin = *access.exec;
  const std::string who = "user '" + access.user_name + "' (context '" + access.context + "')";
  if (!plugin.api_version.empty() && plugin.api_version != kExecApiVersion &&
      plugin.api_version != "client.authentication.k8s.io/v1beta1") {
    refuse("the exec credential plugin of " + who + " speaks " + plugin.api_version + "; dlaunch speaks " +
           kExecApiVersion + " and v1beta1");
  }
  std::string api_version = plugin.api_version.empty() ? kExecApiVersion : plugin.api_version;
  std::vector<std::string> argv{plugin.command};
  argv.insert(argv.end(), plugin.args.begin(), plugin.args.end());
  std::vector<std::string> env;
  for (const auto& [name, value] : plugin.env) env.push_back(name + "=" + value);
  env.push_back("KUBERNETES_EXEC_INFO={\"apiVersion\":\"" + api_version +
                "\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false}}");
  ProcessResult result = run_plugin(argv, env);
  const std::string name = "the exec credential plugin '" + plugin.command + "' of " + who;
  if (result.exit_code == -1) {
    refuse("cannot run " + name + ": " + result.out + (plugin.install_hint.empty() ? "" : ". " + plugin.install_hint));
  }
  if (result.exit_code != 0) refuse(name + " failed with exit code " + std::to_string(result.exit_code));
  rapidjson::Document doc;
  if (!support::parse_json(doc, result.out).empty() || !doc.IsObject() || member_text(doc, "kind") != "ExecCredential") {
    refuse(name + " did not print an ExecCredential (JSON) on its standard output");
  }
  auto status = doc.FindMember("status");
  if (status == doc.MemberEnd() || !status->value.IsObject()) refuse(name + " printed an ExecCredential without status");
  credentials.bearer_token = member_text(status->value, "token");
  credentials.cert_pem = member_text(status->value, "clientCertificateData");
  credentials.key_pem = member_text(status->value, "clientKeyData");
  if (credentials.bearer_token.empty() && (credentials.cert_pem.empty() || credentials.key_pem.empty())) {
    refuse(name + " gave neither a token nor a client certificate and key");
  }
  credentials.method = "the exec credential plugin '" + plugin.command + "'";
}

}  // namespace

Credentials obtain_credentials(const ClusterAccess& access) {
  Credentials credentials;
  if (!access.auth_provider.empty()) {
    refuse("user '" + access.user_name + "' (context '" + access.context + "') uses the auth-provider '" +
           access.auth_provider + "', which Kubernetes removed; configure an exec credential plugin instead "
           "(e.g. gke-gcloud-auth-plugin, kubelogin, aws eks get-token)");
  }
  if (access.exec) {
    run_exec_plugin(access, credentials);
    return credentials;
  }
  credentials.cert_file = access.cert_file;
  credentials.cert_pem = access.cert_pem;
  credentials.key_file = access.key_file;
  credentials.key_pem = access.key_pem;
  if (!access.token.empty()) {
    credentials.bearer_token = access.token;
  } else if (!access.token_file.empty()) {
    credentials.bearer_token = read_token_file(access.token_file, "user '" + access.user_name + "'");
  } else if (!access.username.empty()) {
    refuse("user '" + access.user_name + "' (context '" + access.context + "') authenticates with a user name and "
           "password, which the Kubernetes API server no longer accepts (since 1.19); use a token, a client "
           "certificate or an exec credential plugin");
  }
  credentials.method = describe_credentials(access);
  return credentials;
}

std::string describe_credentials(const ClusterAccess& access) {
  if (access.exec) return "the exec credential plugin '" + access.exec->command + "'";
  if (!access.token.empty()) return "a bearer token";
  if (!access.token_file.empty()) return "the bearer token in " + access.token_file;
  if (!access.cert_file.empty() || !access.cert_pem.empty()) return "a client certificate";
  return "no credentials";
}

}  // namespace dlaunch::kubernetes
