// Test support: a listening TCP socket on a free port of 127.0.0.1, for the tests' stand-in servers.
#ifndef DLAUNCH_TESTS_SUPPORT_LOOPBACK_LISTENER_HPP_
#define DLAUNCH_TESTS_SUPPORT_LOOPBACK_LISTENER_HPP_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <cstdint>

namespace dlaunch::test {

struct LoopbackListener {
  int fd = -1;             // the caller's to close
  std::uint16_t port = 0;  // the port the system chose
};

// A socket listening on a free loopback port with `backlog`; fails the test (ADD_FAILURE) when it cannot.
inline LoopbackListener listen_on_loopback(int backlog) {
  LoopbackListener listener;
  listener.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener.fd < 0 || ::bind(listener.fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener.fd, backlog) != 0 ||
      ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ADD_FAILURE() << "cannot listen on a loopback port";
  }
  listener.port = ntohs(address.sin_port);
  return listener;
}

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_LOOPBACK_LISTENER_HPP_
