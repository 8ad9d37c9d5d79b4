// What find_submissions takes for "Ray never accepted this submission": only the dashboard's own 404 answer,
// against a stand-in server. tests/ray/fault_test.cpp settles killed submits against a real dashboard, whose
// 404s for the submits it never got must be taken for absence.
#include "ray_client.hpp"
#include "support/one_answer_server.hpp"

#include <gtest/gtest.h>

namespace dlaunch::ray {
namespace {

using test::OneAnswerServer;

RayClient client_of(const OneAnswerServer& server) {
  RayOptions options;
  options.address = server.server();
  options.max_attempts = 1;
  return RayClient(resolve_endpoint(options), options, sdk::Host());
}

TEST(RayFindJob, RaysOwnNotFoundAnswerIsAbsence) {
  OneAnswerServer server("Job dlaunch-x does not exist", "404 Not Found");
  EXPECT_EQ(client_of(server).find_job("dlaunch-x"), std::nullopt);
}

TEST(RayFindJob, AnyOther404IsUnavailableNamingTheServer) {
  // aiohttp's answer for a path it does not route, as a proxy or another service at the address gives.
  OneAnswerServer server("404: Not Found", "404 Not Found");
  try {
    client_of(server).find_job("dlaunch-x");
    ADD_FAILURE() << "a 404 that is not Ray's was taken for absence";
  } catch (const sdk::Error& error) {
    EXPECT_EQ(error.code(), DLAUNCH_ERR_UNAVAILABLE);
    EXPECT_NE(std::string(error.what()).find(server.server() + " (from [platform.ray] address) answered GET "
                                             "/api/jobs/dlaunch-x with a 404 that is not Ray's (\"404: Not Found\")"),
              std::string::npos)
        << error.what();
  }
  // Another job's answer is not this one's.
  OneAnswerServer other("Job dlaunch-y does not exist", "404 Not Found");
  EXPECT_THROW(client_of(other).find_job("dlaunch-x"), sdk::Error);
}

TEST(RayFindJob, AJobRaysHoldsIsItsDetails) {
  OneAnswerServer server(R"({"submission_id":"dlaunch-x","status":"RUNNING"})");
  auto details = client_of(server).find_job("dlaunch-x");
  ASSERT_TRUE(details.has_value());
  EXPECT_STREQ((*details)["status"].GetString(), "RUNNING");
}

}  // namespace
}  // namespace dlaunch::ray
