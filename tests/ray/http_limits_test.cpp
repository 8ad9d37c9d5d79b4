// The HTTP client every REST plugin uses (plugins/support), against a server that answers too much (the
// answer is cut at the client's limit and the error names the server) or late (a request's own timeout). Here because the ray plugin's unit
// tests are the support library's first user that needs no cluster.
#include <dlaunch_support/http_client.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace dlaunch::support {
namespace {

// Answers one request on a loopback port, `delay` after it arrived, with a body of `body_bytes` bytes, then
// closes.
class OneAnswerServer {
 public:
  explicit OneAnswerServer(std::size_t body_bytes, std::chrono::milliseconds delay = {})
      : listener_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(listener_, 1) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on a loopback port";
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, body_bytes, delay] { answer(body_bytes, delay); });
  }
  ~OneAnswerServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/jobs/secret-name"; }
  std::string server() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void answer(std::size_t body_bytes, std::chrono::milliseconds delay) {
    const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) return;
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    std::this_thread::sleep_for(delay);
    std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body_bytes) + "\r\nConnection: close\r\n\r\n";
    answer.append(body_bytes, 'x');
    // The client hangs up once it has had enough: the rest is not sent.
    for (std::size_t sent = 0; sent < answer.size();) {
      const ssize_t n = ::send(connection, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::close(connection);
  }

  int listener_;
  int port_ = 0;
  std::thread thread_;
};

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
  OneAnswerServer server(3 * 1024 * 1024);
  const HttpResponse response = client_reading_at_most(1024 * 1024).send(get(server.url()));
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.transport_error,
            "the answer from " + server.server() + " is larger than 1048576 bytes, the most dlaunch reads");
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpLimits, AnAnswerAtTheLimitIsRead) {
  OneAnswerServer server(1024 * 1024);
  const HttpResponse response = client_reading_at_most(1024 * 1024).send(get(server.url()));
  EXPECT_TRUE(response.ok()) << response.transport_error;
  EXPECT_EQ(response.body.size(), 1024u * 1024u);
}

TEST(HttpLimits, AStreamGoesToItsReaderWhateverItsLength) {
  OneAnswerServer server(3 * 1024 * 1024);
  HttpOptions options;
  options.max_body_bytes = 1024;
  const HttpResponse response =
      HttpClient(options).stream(get(server.url()), [](std::string_view) { return true; });
  // Only what is collected is capped (answers and error answers); a stream is the reader's to bound.
  EXPECT_TRUE(response.transport_error.empty()) << response.transport_error;
}

TEST(HttpLimits, ARequestsOwnTimeoutReplacesTheClients) {
  // An upload's answer comes later than the client's timeout allows, but within the request's own.
  OneAnswerServer server(2, std::chrono::milliseconds(500));
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
