// The seam under the client's own HTTP/1.1 (plain_http.cpp): the bytes of an exchange go over a Transport, a
// connected socket read and written as it is (clear text, this one) or through TLS (tls_transport.hpp). The
// HTTP framing above it is one and the same. Non-blocking: a call that cannot go on says which readiness of
// the socket it waits for, and the exchange polls for it within its deadline. Internal to
// dlaunch_plugin_support.
#ifndef DLAUNCH_SUPPORT_SRC_TRANSPORT_HPP_
#define DLAUNCH_SUPPORT_SRC_TRANSPORT_HPP_

#include <poll.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace dlaunch::support {

// What a read or a write came to.
enum class Io {
  done,        // some bytes went or came (`*done` of them)
  want_read,   // nothing yet: call again when the socket is readable
  want_write,  // ... when it is writable
  closed,      // the other end closed the connection (for a read: the end of its bytes)
  failed,      // error() says why
};

// The readiness of the socket that a call which came to Io::want_read or Io::want_write waits for.
inline short poll_events(Io io) { return io == Io::want_read ? POLLIN : POLLOUT; }

// A connected non-blocking socket, owned: closed with the transport.
class Transport {
 public:
  explicit Transport(int fd) : fd_(fd) {}
  virtual ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  int fd() const { return fd_; }
  // The socket, no longer the transport's to close (handed to another transport: TLS over it).
  int release() { return std::exchange(fd_, -1); }
  // Sends some of `data`.
  virtual Io write(std::string_view data, std::size_t* done);
  // Receives up to `size` bytes.
  virtual Io read(char* buffer, std::size_t size, std::size_t* done);
  // After Io::failed: why, and the errno of the system call that failed (0 when none did).
  const std::string& error() const { return error_; }
  int system_error() const { return errno_; }

 protected:
  Io failed(std::string why, int error_number);

 private:
  int fd_;
  std::string error_;
  int errno_ = 0;
};

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_SRC_TRANSPORT_HPP_
