#include <dlaunch/core/spec_loader.hpp>

#include "spec/json_reader.hpp"
#include "spec/spec_error.hpp"
#include "spec/toml_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <istream>

namespace dlaunch {

namespace {

struct ReadFailure {
  ErrorCode code;
  std::string reason;  // completes "cannot read 'FILE': " when unreadable, else "'FILE' "
};

std::string mebibytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

ReadFailure too_large(std::size_t bytes) {
  return {ErrorCode::kInvalidArgument,
          "is " + (bytes > kMaxSpecBytes ? mebibytes(bytes) + ", " : std::string()) + "over the limit of " +
              mebibytes(kMaxSpecBytes) + " for a job spec or configuration file"};
}

// What a file that is not a regular file is, for the message refusing it.
const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

// The whole file, or why not. Only regular files: a FIFO or a device could block or never end. O_NONBLOCK
// makes opening a FIFO return at once (with no writer it would wait); regular files ignore the flag.
std::expected<std::string, ReadFailure> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::unexpected(ReadFailure{ErrorCode::kUnreadable, std::strerror(errno)});
  const auto fail = [fd](ReadFailure failure) {
    ::close(fd);
    return std::unexpected(std::move(failure));
  };
  struct stat status {};
  if (::fstat(fd, &status) != 0) return fail({ErrorCode::kUnreadable, std::strerror(errno)});
  if (!S_ISREG(status.st_mode)) {
    return fail({ErrorCode::kUnreadable, std::string("not a regular file (") + file_kind(status.st_mode) + ")"});
  }
  const auto size = static_cast<std::size_t>(status.st_size);
  if (size > kMaxSpecBytes) return fail(too_large(size));
  std::string content;
  content.reserve(size);
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail({ErrorCode::kUnreadable, std::strerror(errno)});
    }
    content.append(buffer, static_cast<std::size_t>(n));
    // The file may grow while it is read.
    if (content.size() > kMaxSpecBytes) return fail(too_large(0));
  }
  ::close(fd);
  return content;
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         std::ranges::equal(text.substr(text.size() - suffix.size()), suffix, [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

SpecFormat spec_format_for(std::string_view path) {
  return ends_with_ignoring_case(path, ".json") ? SpecFormat::kJson : SpecFormat::kToml;
}

Result<Value> load_spec_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    const ReadFailure& failure = text.error();
    std::string message = (failure.code == ErrorCode::kUnreadable ? "cannot read '" + path + "': " : "'" + path + "' ") +
                          failure.reason;
    Diagnostics found{spec::spec_error({}, message)};
    return std::unexpected(Error{failure.code, std::move(message), std::move(found)});
  }
  return parse_spec(*text, spec_format_for(path), path);
}

std::string read_spec_text(std::istream& in) {
  std::string text;
  char buffer[65536];
  while (text.size() <= kMaxSpecBytes && in.read(buffer, sizeof buffer).gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return text;
}

Result<Value> parse_spec(std::string_view text, SpecFormat format, const std::string& file_name) {
  if (text.size() > kMaxSpecBytes) {
    std::string message = "'" + file_name + "' " + too_large(0).reason;
    Diagnostics found{spec::spec_error({}, message)};
    return std::unexpected(Error{ErrorCode::kInvalidArgument, std::move(message), std::move(found)});
  }
  auto root = format == SpecFormat::kJson ? spec::read_json(text, file_name) : spec::read_toml(text, file_name);
  if (!root) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, file_name + " is not valid " +
                                                                  (format == SpecFormat::kJson ? "JSON" : "TOML"),
                                 std::move(root.error())});
  }
  return std::move(*root);
}

}  // namespace dlaunch
