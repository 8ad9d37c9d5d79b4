// A hostile or broken slurmrestd, or a hostile user of a shared cluster: JSON nested 200,000 levels deep
// (200 KB, far under the body cap, which RapidJSON's recursive parser would take into a stack overflow). An
// answer is an error naming the server; a job comment, which any user can set on their own jobs, marks nothing.
#include "connection.hpp"
#include "job_record.hpp"
#include "rest_api.hpp"
#include "support/one_answer_server.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dlaunch::slurm {
namespace {

std::string deep_array() { return std::string(200000, '[') + std::string(200000, ']'); }

TEST(SlurmDeepAnswer, AnAnswerNestedTooDeepIsAnErrorNamingTheServer) {
  test::OneAnswerServer server(deep_array());
  Connection connection;
  connection.url = server.server();
  connection.user = "alice";
  connection.token = "a.b.c";
  RestApi api(connection, [] { return false; });
  try {
    api.get("/jobs");
    ADD_FAILURE() << "no error";
  } catch (const sdk::Error& error) {
    EXPECT_EQ(error.code(), DLAUNCH_ERR_INTERNAL) << error.what();  // exit 70
    EXPECT_NE(std::string(error.what()).find("slurmrestd at " + server.server() + ": GET /openapi/v3 failed (HTTP 200): "
                                             "an answer of JSON nested deeper than 512 levels"),
              std::string::npos)
        << error.what();
  }
}

TEST(SlurmDeepAnswer, ACommentNestedTooDeepMarksNothing) {
  const std::string comment = "dlaunch " + std::string(200000, '[');
  ASSERT_TRUE(is_dlaunch_comment(comment));
  EXPECT_EQ(start_timeout_of(comment), 0);
  EXPECT_EQ(submission_of(comment), "");
  // The same mark, readable, still counts.
  EXPECT_EQ(submission_of(dlaunch_comment("dlaunch-x", {}, 30)), "dlaunch-x");
}

TEST(SlurmDeepAnswer, ATokenWhosePayloadNestsTooDeepNamesNoUser) {
  // base64url of 3 × 100,000 "[" is "W1tb" repeated.
  std::string payload;
  for (int i = 0; i < 100000; ++i) payload += "W1tb";
  EXPECT_EQ(jwt_user("eyJhbGciOiJIUzI1NiJ9." + payload + ".c2ln"), "");
}

}  // namespace
}  // namespace dlaunch::slurm
