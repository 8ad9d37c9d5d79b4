// A hostile or broken dashboard, against a stand-in server: an answer nested 200,000 levels deep (200 KB, far
// under the body cap, which RapidJSON's recursive parser would take into a stack overflow), and answers of the
// wrong shape. Each is an error naming the server, never a crash.
#include "ray_client.hpp"
#include "support/one_answer_server.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace dlaunch::ray {
namespace {

using test::OneAnswerServer;

RayClient client_of(const OneAnswerServer& server) {
  RayOptions options;
  options.address = server.server();
  options.max_attempts = 1;
  return RayClient(resolve_endpoint(options), options, sdk::Host());
}

std::string deep_array() { return std::string(200000, '[') + std::string(200000, ']'); }

// The message of the INTERNAL error `ask` throws (exit 70).
std::string internal_error_of(const std::function<void()>& ask) {
  try {
    ask();
  } catch (const sdk::Error& error) {
    EXPECT_EQ(error.code(), DLAUNCH_ERR_INTERNAL) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(RayDeepAnswer, AJobNestedTooDeepIsAnErrorNamingTheServer) {
  OneAnswerServer server(deep_array());
  const std::string message = internal_error_of([&] { client_of(server).job("dlaunch-x"); });
  EXPECT_NE(message.find("Ray at " + server.server() + " answered GET " + server.server() +
                         "/api/jobs/dlaunch-x with JSON nested deeper than 512 levels: [[["),
            std::string::npos)
      << message;
}

TEST(RayDeepAnswer, AVersionNestedTooDeepIsAnErrorNamingTheServer) {
  OneAnswerServer server(deep_array());
  const std::string message = internal_error_of([&] { client_of(server).version(); });
  EXPECT_NE(message.find("Ray at " + server.server() + " did not answer GET /api/version with a Ray version "
                         "object (JSON nested deeper than 512 levels): [[["),
            std::string::npos)
      << message;
}

TEST(RayDeepAnswer, NestingUpToTheLimitIsRead) {
  OneAnswerServer server(std::string(512, '[') + std::string(512, ']'));
  EXPECT_TRUE(client_of(server).jobs().IsArray());
}

TEST(RayShapeErrors, NameTheServer) {
  OneAnswerServer jobs(R"({"jobs": []})");
  EXPECT_EQ(internal_error_of([&] { client_of(jobs).jobs(); }),
            "Ray at " + jobs.server() + " did not answer GET /api/jobs/ with a list of jobs");
  OneAnswerServer version(R"(["2.9.0"])");
  EXPECT_EQ(internal_error_of([&] { client_of(version).version(); }),
            "Ray at " + version.server() + R"( did not answer GET /api/version with a Ray version object: ["2.9.0"])");
}

}  // namespace
}  // namespace dlaunch::ray
