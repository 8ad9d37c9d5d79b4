#include "upload_progress.hpp"

#include "package.hpp"

#include <unistd.h>

#include <algorithm>

namespace dlaunch::ray {
namespace {

constexpr auto kQuiet = std::chrono::seconds(1);             // shorter uploads show nothing
constexpr auto kRefresh = std::chrono::milliseconds(200);  // at most this often
constexpr size_t kBarWidth = 24;

}  // namespace

UploadProgress::UploadProgress(std::string label, int fd)
    : label_(std::move(label)), fd_(fd), terminal_(::isatty(fd) == 1) {}

UploadProgress::~UploadProgress() {
  if (shown_width_ > 0) print("\r" + std::string(shown_width_, ' ') + "\r");
}

void UploadProgress::update(uint64_t sent, uint64_t total) {
  if (!terminal_ || total == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now - started_ < kQuiet || now - last_ < kRefresh) return;
  last_ = now;
  size_t filled = static_cast<size_t>(kBarWidth * std::min(sent, total) / total);
  std::string line = label_ + " [" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] " +
                     human_size(sent) + " of " + human_size(total);
  // Pads over a longer previous line rather than erasing it with an escape sequence.
  size_t width = line.size();
  if (width < shown_width_) line += std::string(shown_width_ - width, ' ');
  shown_width_ = std::max(shown_width_, width);
  print("\r" + line);
}

void UploadProgress::print(const std::string& text) const {
  // A failed write to the terminal is no reason to fail the upload.
  [[maybe_unused]] ssize_t written = ::write(fd_, text.data(), text.size());
}

}  // namespace dlaunch::ray
