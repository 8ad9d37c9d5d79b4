// Test support: a server on a free loopback port that serves each connection it accepts on a thread of its
// own, with a function of the test's (the stand-in servers' protocol: HTTP, HTTPS). It closes each connection
// when that function returns; when the server ends it stops accepting, shuts down the connections still open
// (a function blocked reading one returns) and waits for every thread.
#ifndef DLAUNCH_TESTS_SUPPORT_CONNECTION_SERVER_HPP_
#define DLAUNCH_TESTS_SUPPORT_CONNECTION_SERVER_HPP_

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "support/loopback_listener.hpp"

namespace dlaunch::test {

class ConnectionServer {
 public:
  // Serves the connected socket `connection`; `stopping` turns true when the server ends.
  using Serve = std::function<void(int connection, const std::atomic<bool>& stopping)>;

  explicit ConnectionServer(Serve serve) : serve_(std::move(serve)) {
    const LoopbackListener listener = listen_on_loopback(16);
    listener_ = listener.fd;
    port_ = listener.port;
    acceptor_ = std::thread([this] { accept_all(); });
  }
  ~ConnectionServer() {
    stopping_ = true;
    acceptor_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& connection : connections_) connection.join();
    ::close(listener_);
  }
  ConnectionServer(const ConnectionServer&) = delete;
  ConnectionServer& operator=(const ConnectionServer&) = delete;

  int port() const { return port_; }
  int connections_accepted() const { return accepted_; }

 private:
  void accept_all() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 50) <= 0) continue;
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      ++accepted_;
      std::lock_guard lock(mutex_);
      open_.push_back(connection);
      connections_.emplace_back([this, connection] {
        serve_(connection, stopping_);
        std::lock_guard closing(mutex_);
        open_.erase(std::find(open_.begin(), open_.end(), connection));
        ::close(connection);
      });
    }
  }

  const Serve serve_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::mutex mutex_;
  std::vector<int> open_;  // the connections not closed yet
  std::thread acceptor_;
  std::list<std::thread> connections_;  // only the acceptor adds, and only the destructor (after it) joins
};

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_CONNECTION_SERVER_HPP_
