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
#include <optional>
#include <string>
#include <utility>

#include "support/connection_server.hpp"

namespace dlaunch::test {

// The path of the first request whose head `pending` holds whole ("GET /path HTTP/1.1", no body), removed from
// it; nullopt while the head is not whole.
inline std::optional<std::string> take_request_path(std::string& pending) {
  const auto end = pending.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  const auto path_begin = pending.find(' ') + 1;
  std::string path = pending.substr(path_begin, pending.find(' ', path_begin) - path_begin);
  pending.erase(0, end + 4);
  return path;
}

class PathServer {
 public:
  using Answer = std::function<std::string(const std::string& path)>;

  // The server waits for every connection's thread when it ends: an answer still being made (held) is awaited.
  explicit PathServer(Answer answer)
      : answer_(std::move(answer)),
        server_([this](int connection, const std::atomic<bool>& stopping) { serve(connection, stopping); }) {}

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_.port()) + path; }
  int connections_accepted() const { return server_.connections_accepted(); }

 private:
  void serve(int connection, const std::atomic<bool>& stopping) {
    std::string pending;
    char buffer[4096];
    while (!stopping) {
      const std::optional<std::string> path = take_request_path(pending);
      if (!path) {
        pollfd ready{connection, POLLIN, 0};
        if (::poll(&ready, 1, 50) <= 0) continue;
        const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n <= 0) break;  // the client hung up
        pending.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      const std::string body = answer_(*path);
      const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      for (std::size_t sent = 0; sent < answer.size();) {
        const ssize_t n = ::send(connection, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
    }
  }

  const Answer answer_;
  ConnectionServer server_;  // last: its threads use the answer, and end (joined) before it
};

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_PATH_SERVER_HPP_
