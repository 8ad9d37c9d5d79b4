// What the plugin reads from outside, hostile or broken: an API server's answer nested 200,000 levels deep
// (200 KB, far under the body cap, which RapidJSON's recursive parser would take into a stack overflow) is an
// error naming the server, never a crash.
#include "api_client.hpp"
#include "support/one_answer_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
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

}  // namespace
}  // namespace dlaunch::kubernetes
