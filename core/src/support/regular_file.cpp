#include "support/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dlaunch {
namespace {

// What a file that is not a regular file is, for the message refusing it.
const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

}  // namespace

std::expected<std::string, RegularFileFailure> read_regular_file(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK makes opening a FIFO return at once (with no writer it would wait); regular files ignore it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::unexpected(RegularFileFailure{.reason = std::strerror(errno)});
  const auto fail = [fd](RegularFileFailure failure) {
    ::close(fd);
    return std::unexpected(std::move(failure));
  };
  struct stat status {};
  if (::fstat(fd, &status) != 0) return fail({.reason = std::strerror(errno)});
  if (!S_ISREG(status.st_mode)) {
    return fail({.reason = std::string("not a regular file (") + file_kind(status.st_mode) + ")"});
  }
  const auto size = static_cast<std::size_t>(status.st_size);
  if (size > max_bytes) return fail({.too_large = true, .size = size, .reason = {}});
  std::string content;
  content.reserve(size);
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail({.reason = std::strerror(errno)});
    }
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > max_bytes) return fail({.too_large = true, .size = 0, .reason = {}});  // it grew meanwhile
  }
  ::close(fd);
  return content;
}

std::string mebibytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

}  // namespace dlaunch
