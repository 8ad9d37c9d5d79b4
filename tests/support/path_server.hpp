// Test support: an HTTP/1.1 server on a loopback port that keeps connections alive, serves each on a thread
// of its own (requests may come at once), and answers each request (none carries a body) with 200 and the
// body a function of the path gives. The function runs on the connection's thread and may block: a test
// uses that to hold requests and count those in flight together.
#ifndef DLAUNCH_TESTS_SUPPORT_PATH_SERVER_HPP_
#define DLAUNCH_TESTS_SUPPORT_PATH_SERVER_HPP_

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <list>
#include <string>
#include <thread>
#include <utility>

#include "support/loopback_listener.hpp"

namespace dlaunch::test {

class PathServer {
 public:
  using Answer = std::function<std::string(const std::string& path)>;

  explicit PathServer(Answer answer) : answer_(std::move(answer)) {
    const LoopbackListener listener = listen_on_loopback(16);
    listener_ = listener.fd;
    port_ = listener.port;
    acceptor_ = std::thread([this] { accept_all(); });
  }
  // Waits for every connection's thread: an answer still being made (held) is awaited.
  ~PathServer() {
    stopping_ = true;
    acceptor_.join();
    for (auto& connection : connections_) connection.join();
    ::close(listener_);
  }
  PathServer(const PathServer&) = delete;
  PathServer& operator=(const PathServer&) = delete;

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int connections_accepted() const { return accepted_; }

 private:
  void accept_all() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 50) <= 0) continue;
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      ++accepted_;
      connections_.emplace_back([this, connection] { serve(connection); });
    }
  }

  void serve(int connection) {
    std::string pending;
    char buffer[4096];
    while (!stopping_) {
      const auto end = pending.find("\r\n\r\n");
      if (end == std::string::npos) {
        pollfd ready{connection, POLLIN, 0};
        if (::poll(&ready, 1, 50) <= 0) continue;
        const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n <= 0) break;  // the client hung up
        pending.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      // "GET /path HTTP/1.1"
      const auto path_begin = pending.find(' ') + 1;
      const std::string path = pending.substr(path_begin, pending.find(' ', path_begin) - path_begin);
      pending.erase(0, end + 4);
      const std::string body = answer_(path);
      const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      for (std::size_t sent = 0; sent < answer.size();) {
        const ssize_t n = ::send(connection, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
    }
    ::close(connection);
  }

  const Answer answer_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::list<std::thread> connections_;  // only the acceptor adds, and only the destructor (after it) joins
};

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_PATH_SERVER_HPP_
