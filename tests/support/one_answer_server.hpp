// Test support: a stand-in HTTP server on a loopback port that answers one request with a fixed answer, then
// closes (the REST plugins' unit tests: limits of the HTTP client, answers a real server would not give).
#ifndef DLAUNCH_TESTS_SUPPORT_ONE_ANSWER_SERVER_HPP_
#define DLAUNCH_TESTS_SUPPORT_ONE_ANSWER_SERVER_HPP_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/loopback_listener.hpp"

namespace dlaunch::test {

// Answers one request, `delay` after it arrived, with `status` ("404 Not Found") and `body`, then closes.
class OneAnswerServer {
 public:
  explicit OneAnswerServer(std::string body, std::string status = "200 OK", std::chrono::milliseconds delay = {})
  {
    const LoopbackListener listener = listen_on_loopback(1);
    listener_ = listener.fd;
    port_ = listener.port;
    std::string answer = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    thread_ = std::thread([this, answer = std::move(answer), delay] { respond(answer, delay); });
  }
  ~OneAnswerServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }

  std::string url() const { return server() + "/api/jobs/secret-name"; }
  std::string server() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void respond(const std::string& answer, std::chrono::milliseconds delay) {
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

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_ONE_ANSWER_SERVER_HPP_
