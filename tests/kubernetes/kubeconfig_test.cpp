// Kubeconfig loading as kubectl does it (merging, relative paths, contexts, in-cluster) and the credentials
// it leads to (token files, exec credential plugins run for real), without a cluster.
#include "credentials.hpp"
#include "kubeconfig.hpp"

#include <support/process.hpp>

#include <dlaunch/plugin.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

namespace dlaunch::kubernetes {
namespace {

using test::TempDir;

Environment env_of(std::map<std::string, std::string> vars, std::string service_account_dir = "/nonexistent") {
  Environment env;
  env.get = [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  env.service_account_dir = std::move(service_account_dir);
  return env;
}

int32_t error_code(const std::function<void()>& body, std::string* message = nullptr) {
  try {
    body();
  } catch (const sdk::Error& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  return 0;
}

constexpr const char* kFirst = R"(apiVersion: v1
kind: Config
current-context: one
clusters:
- name: shared
  cluster: {server: "https://first.example:6443/", certificate-authority: pki/ca.crt}
users:
- name: alice
  user: {tokenFile: alice.token}
contexts:
- name: one
  context: {cluster: shared, user: alice, namespace: team-a}
)";

constexpr const char* kSecond = R"(apiVersion: v1
kind: Config
current-context: two
clusters:
- name: shared
  cluster: {server: "https://second.example:6443"}
- name: other
  cluster:
    server: https://other.example
    certificate-authority-data: aGVsbG8gQ0E=
    insecure-skip-tls-verify: true
users:
- name: bob
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
contexts:
- name: one
  context: {cluster: other, user: bob}
- name: two
  context: {cluster: other, user: bob}
)";

TEST(Kubeconfig, MergesKubeconfigFilesTheFirstDefinitionWinning) {
  TempDir dir;
  std::string first = dir.write("a/config", kFirst);
  std::string second = dir.write("b/config", kSecond);
  auto env = env_of({{"KUBECONFIG", first + "::" + dir.path() + "/missing:" + second}});
  auto access = load_access("", "", env);
  ASSERT_TRUE(access);
  EXPECT_EQ(access->context, "one");  // the first current-context
  EXPECT_EQ(access->server, "https://first.example:6443");  // the first 'shared', without the trailing '/'
  EXPECT_EQ(access->namespace_, "team-a");
  EXPECT_EQ(access->ca_file, dir.path() + "/a/pki/ca.crt");  // relative to its own file
  EXPECT_EQ(access->token_file, dir.path() + "/a/alice.token");
  EXPECT_EQ(access->source, "kubeconfig " + first + ":" + second);

  // A context only the second file defines uses the second file's cluster and user.
  access = load_access("", "two", env);
  ASSERT_TRUE(access);
  EXPECT_EQ(access->server, "https://other.example");
  EXPECT_EQ(access->ca_pem, "hello CA");
  EXPECT_TRUE(access->insecure_skip_tls_verify);
  EXPECT_EQ(access->cert_pem, "cert");
  EXPECT_EQ(access->key_pem, "key");
  EXPECT_EQ(access->namespace_, "");
}

TEST(Kubeconfig, TheOptionNamesOneFileUsedAlone) {
  TempDir dir;
  std::string first = dir.write("a/config", kFirst);
  std::string second = dir.write("b/config", kSecond);
  auto access = load_access(second, "", env_of({{"KUBECONFIG", first}}));
  ASSERT_TRUE(access);
  EXPECT_EQ(access->context, "two");
  EXPECT_EQ(error_code([&] { load_access(dir.path() + "/none", "", env_of({})); }), DLAUNCH_ERR_INVALID_ARGUMENT);
}

TEST(Kubeconfig, HomeConfigWhenKubeconfigIsUnset) {
  TempDir dir;
  dir.write(".kube/config", kSecond);
  auto access = load_access("", "", env_of({{"HOME", dir.path()}}));
  ASSERT_TRUE(access);
  EXPECT_EQ(access->context, "two");
}

TEST(Kubeconfig, UnknownContextNamesTheKnownOnes) {
  TempDir dir;
  std::string second = dir.write("config", kSecond);
  std::string message;
  EXPECT_EQ(error_code([&] { load_access(second, "three", env_of({})); }, &message), DLAUNCH_ERR_INVALID_ARGUMENT);
  EXPECT_NE(message.find("no context 'three'"), std::string::npos) << message;
  EXPECT_NE(message.find("one, two"), std::string::npos) << message;
}

TEST(Kubeconfig, BrokenYamlIsLocated) {
  TempDir dir;
  std::string file = dir.write("config", "clusters:\n- name: x\n  cluster: {server: [\n");
  std::string message;
  EXPECT_EQ(error_code([&] { load_access(file, "", env_of({})); }, &message), DLAUNCH_ERR_INVALID_ARGUMENT);
  EXPECT_NE(message.find(file + ":"), std::string::npos) << message;
}

// Found by tests/fuzz/fuzz_kubeconfig: a user that is a scalar, not a map, ended the process.
TEST(Kubeconfig, ValuesOfTheWrongKindAreLocatedErrors) {
  TempDir dir;
  const std::string head = "current-context: c\nclusters: [{name: k, cluster: {server: https://k:6443}}]\n"
                           "contexts: [{name: c, context: {cluster: k, user: u}}]\n";
  for (const char* users : {"users: [{name: u, user: e}]\n", "users: [{name: u, user: {exec: {command: x, args: [[a]]}}}]\n"}) {
    std::string file = dir.write("config", head + users);
    std::string message;
    EXPECT_EQ(error_code([&] { load_access(file, "", env_of({})); }, &message), DLAUNCH_ERR_INVALID_ARGUMENT) << users;
    EXPECT_NE(message.find(file), std::string::npos) << message;
  }
}

TEST(Kubeconfig, InClusterWhenNoFileAndTheServiceHostIsSet) {
  TempDir dir;
  dir.write("sa/token", "sa-token\n");
  dir.write("sa/ca.crt", "ca");
  dir.write("sa/namespace", "jobs");
  auto env = env_of({{"HOME", dir.path()}, {"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
                    dir.path() + "/sa");
  auto access = load_access("", "", env);
  ASSERT_TRUE(access);
  EXPECT_EQ(access->server, "https://10.96.0.1:443");
  EXPECT_EQ(access->namespace_, "jobs");
  EXPECT_EQ(access->ca_file, dir.path() + "/sa/ca.crt");
  EXPECT_EQ(obtain_credentials(*access).bearer_token, "sa-token");
  EXPECT_FALSE(load_access("", "", env_of({{"HOME", dir.path()}})));  // nothing configured at all
}

std::string exec_config(const std::string& command, const std::string& args_yaml) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster: {server: "
         "https://127.0.0.1:1}\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: "
         "client.authentication.k8s.io/v1\n      command: " +
         command + "\n      args: " + args_yaml +
         "\n      env: [{name: GREETING, value: from-kubeconfig}]\n      installHint: install the plugin\n"
         "contexts:\n- name: c\n  context: {cluster: k, user: u}\n";
}

TEST(Credentials, ExecPluginGivesTheToken) {
  TempDir dir;
  // The plugin checks what kubectl passes it (KUBERNETES_EXEC_INFO, the kubeconfig's env and args).
  dir.write("bin/get-token", R"(#!/bin/sh
case "$KUBERNETES_EXEC_INFO" in *'"apiVersion":"client.authentication.k8s.io/v1"'*) ;; *) exit 3 ;; esac
[ "$GREETING" = from-kubeconfig ] || exit 4
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$1"
)");
  std::filesystem::permissions(dir.path() + "/bin/get-token", std::filesystem::perms::owner_all);
  std::string config = dir.write("config", exec_config("bin/get-token", "[tok-123]"));
  auto access = load_access(config, "", env_of({}));
  ASSERT_TRUE(access && access->exec);
  EXPECT_EQ(access->exec->command, dir.path() + "/bin/get-token");  // relative to the kubeconfig
  Credentials credentials = obtain_credentials(*access);
  EXPECT_EQ(credentials.bearer_token, "tok-123");
}

TEST(Credentials, ExecPluginFailuresAreUnauthenticated) {
  TempDir dir;
  dir.write("fails", "#!/bin/sh\nexit 5\n");
  std::filesystem::permissions(dir.path() + "/fails", std::filesystem::perms::owner_all);
  std::string message;
  auto failing = load_access(dir.write("c1", exec_config(dir.path() + "/fails", "[]")), "", env_of({}));
  EXPECT_EQ(error_code([&] { obtain_credentials(*failing); }, &message), DLAUNCH_ERR_UNAUTHENTICATED);
  EXPECT_NE(message.find("exit code 5"), std::string::npos) << message;
  auto missing = load_access(dir.write("c2", exec_config("no-such-credential-plugin", "[]")), "", env_of({}));
  EXPECT_EQ(error_code([&] { obtain_credentials(*missing); }, &message), DLAUNCH_ERR_UNAUTHENTICATED);
  EXPECT_NE(message.find("install the plugin"), std::string::npos) << message;
}

}  // namespace
}  // namespace dlaunch::kubernetes
