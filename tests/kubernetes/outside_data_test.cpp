// What the plugin reads from outside, hostile or broken: an API server's answer nested 200,000 levels deep
// (200 KB, far under the body cap, which RapidJSON's recursive parser would take into a stack overflow), and a
// kubeconfig that is a FIFO (which would block a plain read forever) or too large. Each is an error naming
// the server or the file, never a crash or a hang.
#include "api_client.hpp"
#include "kubeconfig.hpp"
#include "support/one_answer_server.hpp"
#include "support/process.hpp"

#include <dlaunch_support/bounded_file.hpp>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace dlaunch::kubernetes {
namespace {

std::string error_of(const std::function<void()>& body, int32_t expected_code) {
  try {
    body();
  } catch (const sdk::Error& error) {
    EXPECT_EQ(error.code(), expected_code) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

Environment kubeconfig_env(const std::string& file) {
  Environment env;
  env.get = [file](const char* name) -> std::optional<std::string> {
    return std::string(name) == "KUBECONFIG" ? std::optional<std::string>(file) : std::nullopt;
  };
  env.service_account_dir = "/nonexistent";
  return env;
}

TEST(KubernetesDeepAnswer, AnAnswerNestedTooDeepIsAnErrorNamingTheServer) {
  test::OneAnswerServer server(std::string(200000, '[') + std::string(200000, ']'));
  ClusterAccess access;
  access.source = "a test";
  access.server = server.server();
  const ApiClient client(access, std::chrono::seconds(30), sdk::Host());
  const std::string message = error_of([&] { client.get("/api/v1/namespaces/default/pods/x"); }, DLAUNCH_ERR_INTERNAL);
  EXPECT_EQ(message, "GET " + server.server() + "/api/v1/namespaces/default/pods/x answered JSON nested deeper "
                                                "than 512 levels");
}

TEST(KubeconfigFile, AFifoIsRefusedAtOnce) {
  test::TempDir dir;
  const std::string fifo = dir.path() + "/config";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string message = error_of([&] { load_access("", "", kubeconfig_env(fifo)); }, DLAUNCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(message, "cannot read the kubeconfig " + fifo + ": not a regular file");
}

TEST(KubeconfigFile, OneLargerThan16MiBIsRefused) {
  test::TempDir dir;
  const std::string file = dir.write("config", "");
  std::filesystem::resize_file(file, support::kMaxConfigFileBytes + 1);  // sparse: nothing written
  const std::string message = error_of([&] { load_access("", "", kubeconfig_env(file)); }, DLAUNCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(message, "cannot read the kubeconfig " + file + ": larger than 16777216 bytes");
}

}  // namespace
}  // namespace dlaunch::kubernetes
