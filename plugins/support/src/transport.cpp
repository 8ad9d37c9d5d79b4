#include "transport.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace dlaunch::support {

Transport::~Transport() {
  if (fd_ >= 0) ::close(fd_);
}

Io Transport::failed(std::string why, int error_number) {
  error_ = std::move(why);
  errno_ = error_number;
  return Io::failed;
}

Io Transport::write(std::string_view data, std::size_t* done) {
  while (true) {
    const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      *done = static_cast<std::size_t>(sent);
      return Io::done;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::want_write;
    return failed(std::strerror(errno), errno);
  }
}

Io Transport::read(char* buffer, std::size_t size, std::size_t* done) {
  while (true) {
    const ssize_t got = ::recv(fd_, buffer, size, 0);
    if (got > 0) {
      *done = static_cast<std::size_t>(got);
      return Io::done;
    }
    if (got == 0) return Io::closed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::want_read;
    return failed(std::strerror(errno), errno);
  }
}

}  // namespace dlaunch::support
