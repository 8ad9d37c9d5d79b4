#include <dlaunch/core/spec_loader.hpp>

#include "spec/json_reader.hpp"
#include "spec/spec_error.hpp"
#include "spec/toml_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace dlaunch {

namespace {

// The whole file, or the OS's reason why not (strerror text).
std::expected<std::string, std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(std::strerror(errno));
  std::string content;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return std::unexpected(std::strerror(error));
    }
    content.append(buffer, static_cast<std::size_t>(n));
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
    std::string message = "cannot read '" + path + "': " + text.error();
    Diagnostics found{spec::spec_error({}, message)};
    return std::unexpected(Error{ErrorCode::kUnreadable, std::move(message), std::move(found)});
  }
  return parse_spec(*text, spec_format_for(path), path);
}

Result<Value> parse_spec(std::string_view text, SpecFormat format, const std::string& file_name) {
  auto root = format == SpecFormat::kJson ? spec::read_json(text, file_name) : spec::read_toml(text, file_name);
  if (!root) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, file_name + " is not valid " +
                                                                  (format == SpecFormat::kJson ? "JSON" : "TOML"),
                                 std::move(root.error())});
  }
  return std::move(*root);
}

}  // namespace dlaunch
