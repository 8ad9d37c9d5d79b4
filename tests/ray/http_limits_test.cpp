// The HTTP client every REST plugin uses (plugins/support), against a server that answers too much (the
// answer is cut at the client's limit and the error names the server) or late (a request's own timeout). Here because the ray plugin's unit
// tests are the support library's first user that needs no cluster.
#include "support/one_answer_server.hpp"

#include <dlaunch_support/http_client.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace dlaunch::support {
namespace {

using test::OneAnswerServer;

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

HttpClient client_reading_at_most(std::size_t bytes) {
  HttpOptions options;
  options.max_body_bytes = bytes;
  return HttpClient(options);
}

TEST(HttpLimits, AnAnswerOverTheLimitIsATransportErrorNamingTheServer) {
  OneAnswerServer server(std::string(3 * 1024 * 1024, 'x'));
  const HttpResponse response = client_reading_at_most(1024 * 1024).send(get(server.url()));
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.transport_error,
            "the answer from " + server.server() + " is larger than 1048576 bytes, the most dlaunch reads");
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpLimits, AnAnswerAtTheLimitIsRead) {
  OneAnswerServer server(std::string(1024 * 1024, 'x'));
  const HttpResponse response = client_reading_at_most(1024 * 1024).send(get(server.url()));
  EXPECT_TRUE(response.ok()) << response.transport_error;
  EXPECT_EQ(response.body.size(), 1024u * 1024u);
}

TEST(HttpLimits, AStreamGoesToItsReaderWhateverItsLength) {
  OneAnswerServer server(std::string(3 * 1024 * 1024, 'x'));
  HttpOptions options;
  options.max_body_bytes = 1024;
  const HttpResponse response =
      HttpClient(options).stream(get(server.url()), [](std::string_view) { return true; });
  // Only what is collected is capped (answers and error answers); a stream is the reader's to bound.
  EXPECT_TRUE(response.transport_error.empty()) << response.transport_error;
}

TEST(HttpLimits, ARequestsOwnTimeoutReplacesTheClients) {
  // An upload's answer comes later than the client's timeout allows, but within the request's own.
  OneAnswerServer server("xx", "200 OK", std::chrono::milliseconds(500));
  HttpOptions options;
  options.request_timeout = std::chrono::milliseconds(50);
  HttpRequest request = get(server.url());
  request.timeout = std::chrono::minutes(1);
  const HttpResponse response = HttpClient(options).send(request);
  EXPECT_TRUE(response.ok()) << response.transport_error;
  EXPECT_FALSE(response.timed_out);
}

}  // namespace
}  // namespace dlaunch::support
