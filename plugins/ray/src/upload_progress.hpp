// A progress line on stderr while a package uploads: only when stderr is a terminal (never in a pipe or a
// log), only once the upload has taken a second (quick ones stay silent), cleared when it ends. Plain text,
// no colour or other escape sequence, so NO_COLOR holds by construction.
#ifndef DLAUNCH_RAY_UPLOAD_PROGRESS_HPP_
#define DLAUNCH_RAY_UPLOAD_PROGRESS_HPP_

#include <chrono>
#include <cstdint>
#include <string>

namespace dlaunch::ray {

class UploadProgress {
 public:
  // `fd`: where the line goes (stderr; a test passes a terminal of its own).
  explicit UploadProgress(std::string label, int fd = 2);
  ~UploadProgress();
  UploadProgress(const UploadProgress&) = delete;
  UploadProgress& operator=(const UploadProgress&) = delete;

  void update(uint64_t sent, uint64_t total);

 private:
  void print(const std::string& text) const;

  std::string label_;
  int fd_;
  bool terminal_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  size_t shown_width_ = 0;  // of the line on screen, to clear it
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_UPLOAD_PROGRESS_HPP_
