// The support library's HTTP client keeps its connection through libcurl: requests sent together (send_all)
// and requests sent one after another share one connection. Against a loopback HTTP/1.1 server that counts the
// connections it accepts. An API server's exchanges went through libcurl (and its HTTP/2) while libcurl made
// the client's TLS; they now go through the client's own HTTP/1.1 over TLS (tls_http_test.cpp), and libcurl
// only through a proxy. These tests send their exchanges through libcurl (a proxy named in the environment,
// which the loopback server is exempt from), the way an API server behind a proxy is reached.
#include <dlaunch_support/http_client.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <list>
#include <string>
#include <thread>
#include <vector>

#include "support/path_server.hpp"

namespace dlaunch::support {
namespace {

// An HTTP/1.1 server on a loopback port that keeps connections alive and answers each request with its
// path as the body; a request for /big gets a body of `big_bytes` bytes.
class KeepAliveServer : public test::PathServer {
 public:
  explicit KeepAliveServer(std::size_t big_bytes = 0)
      : PathServer([big_bytes](const std::string& path) { return path == "/big" ? std::string(big_bytes, 'x') : path; }) {}
};

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

std::vector<HttpRequest> gets(const KeepAliveServer& server, const std::vector<std::string>& paths) {
  std::vector<HttpRequest> requests;
  for (const auto& path : paths) requests.push_back(get(server.url(path)));
  return requests;
}

long connections_opened(const std::vector<HttpResponse>& responses) {
  long total = 0;
  for (const auto& response : responses) total += response.connections_opened;
  return total;
}

// Routes the client's exchanges through libcurl, as an https:// API server's are.
class HttpConnections : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("http_proxy", "http://127.0.0.1:9", 1);
    setenv("no_proxy", "127.0.0.1,localhost", 1);
  }
  void TearDown() override {
    unsetenv("http_proxy");
    unsetenv("no_proxy");
  }
};

TEST_F(HttpConnections, RequestsSentTogetherShareOneKeptAliveHttp11Connection) {
  KeepAliveServer server;
  HttpClient client;
  const auto responses = client.send_all(gets(server, {"/a", "/b", "/c", "/d"}));
  ASSERT_EQ(responses.size(), 4u);
  const char* paths[] = {"/a", "/b", "/c", "/d"};
  for (std::size_t i = 0; i < responses.size(); ++i) {
    EXPECT_TRUE(responses[i].ok()) << responses[i].transport_error;
    EXPECT_EQ(responses[i].body, paths[i]) << "answers come in the requests' order";
    EXPECT_EQ(responses[i].protocol, "HTTP/1.1");
  }
  EXPECT_EQ(connections_opened(responses), 1);
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST_F(HttpConnections, RequestsSentOneAfterAnotherReuseTheConnection) {
  KeepAliveServer server;
  HttpClient client;
  EXPECT_EQ(client.send(get(server.url("/first"))).connections_opened, 1);
  const HttpResponse second = client.send(get(server.url("/second")));
  EXPECT_EQ(second.body, "/second");
  EXPECT_EQ(second.connections_opened, 0);
  EXPECT_EQ(client.send_all(gets(server, {"/x", "/y"})).front().connections_opened, 0);
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST_F(HttpConnections, AClientThatEndedLeavesItsConnectionToTheNextOne) {
  KeepAliveServer server;
  EXPECT_EQ(HttpClient().send(get(server.url("/first"))).connections_opened, 1);
  // As a sweep's submits do: one client per job, one after another (or one per thread at a time).
  const HttpResponse later = HttpClient().send(get(server.url("/later")));
  EXPECT_EQ(later.body, "/later");
  EXPECT_EQ(later.connections_opened, 0);
  // Two clients alive at once never share a connection: each drives its own.
  HttpClient one, other;
  EXPECT_TRUE(one.send(get(server.url("/one"))).ok());
  EXPECT_EQ(other.send(get(server.url("/other"))).connections_opened, 1);
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST_F(HttpConnections, EachAnswerOfABatchIsCappedOnItsOwn) {
  KeepAliveServer server(64 * 1024);
  HttpOptions options;
  options.max_body_bytes = 1024;
  const auto responses = HttpClient(options).send_all(gets(server, {"/small", "/big", "/after"}));
  EXPECT_TRUE(responses[0].ok());
  EXPECT_NE(responses[1].transport_error.find("is larger than 1024 bytes"), std::string::npos)
      << responses[1].transport_error;
  // The cut answer's connection cannot carry on: the next request opens another and is answered.
  EXPECT_TRUE(responses[2].ok()) << responses[2].transport_error;
  EXPECT_EQ(responses[2].body, "/after");
}

TEST_F(HttpConnections, ARequestToNoServerFailsAloneInItsBatch) {
  KeepAliveServer server;
  HttpOptions options;
  options.connect_timeout = std::chrono::seconds(2);
  std::vector<HttpRequest> requests = gets(server, {"/here"});
  requests.push_back(get("http://127.0.0.1:1/nobody"));  // port 1: nothing listens
  const auto responses = HttpClient(options).send_all(requests);
  EXPECT_TRUE(responses[0].ok()) << responses[0].transport_error;
  EXPECT_TRUE(responses[1].transport_failed());
  EXPECT_EQ(responses[1].status, 0);
}

}  // namespace
}  // namespace dlaunch::support
