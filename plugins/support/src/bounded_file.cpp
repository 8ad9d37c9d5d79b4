#include <dlaunch_support/bounded_file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dlaunch::support {

std::expected<std::string, std::string> read_bounded_file(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::unexpected(std::string(std::strerror(errno)));
  const auto fail = [fd](std::string why) {
    ::close(fd);
    return std::unexpected(std::move(why));
  };
  struct stat status{};
  if (::fstat(fd, &status) != 0) return fail(std::strerror(errno));
  if (!S_ISREG(status.st_mode)) return fail("not a regular file");
  const std::string too_large = "larger than " + std::to_string(max_bytes) + " bytes";
  if (static_cast<std::size_t>(status.st_size) > max_bytes) return fail(too_large);
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::strerror(errno));
    if (n == 0) break;
    // The file may have grown since fstat.
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) return fail(too_large);
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace dlaunch::support
