#include "log_files.hpp"

#include <dlaunch/plugin.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dlaunch::local {
namespace {

// A line longer than this goes to the combined log in pieces, so a program that never writes a newline
// cannot make the supervisor hold unbounded memory.
constexpr size_t kMaxLine = 64 * 1024;

}  // namespace

AppendFile::AppendFile(const std::filesystem::path& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) {
  if (fd_ < 0) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot open log " + path.string() + ": " + std::strerror(errno));
  }
}

AppendFile::AppendFile(AppendFile&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::write(std::string_view data) const {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void CombinedLog::line(std::string_view label, std::string_view text) const {
  // One write per line: lines of different replicas never mix.
  std::string out;
  out.reserve(label.size() + text.size() + 4);
  out.append("[").append(label).append("] ").append(text).append("\n");
  file_.write(out);
}

void ReplicaLog::append(std::string_view data, const CombinedLog& combined) {
  file_.write(data);
  while (!data.empty()) {
    auto newline = data.find('\n');
    if (newline == std::string_view::npos) {
      partial_line_.append(data);
      if (partial_line_.size() >= kMaxLine) finish(combined);
      return;
    }
    partial_line_.append(data.substr(0, newline));
    combined.line(label_, partial_line_);
    partial_line_.clear();
    data.remove_prefix(newline + 1);
  }
}

void ReplicaLog::finish(const CombinedLog& combined) {
  if (partial_line_.empty()) return;
  combined.line(label_, partial_line_);
  partial_line_.clear();
}

void ReplicaLog::note(std::string_view text, const CombinedLog& combined) {
  finish(combined);
  file_.write(std::string("dlaunch: ").append(text).append("\n"));
  combined.line(label_, std::string("dlaunch: ").append(text));
}

}  // namespace dlaunch::local
