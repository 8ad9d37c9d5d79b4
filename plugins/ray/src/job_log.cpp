#include "job_log.hpp"

#include <algorithm>
#include <cctype>

namespace dlaunch::ray {
namespace {

// "2026-12-01 18:06:18,997\tINFO job_manager.py:581 -- ...": Python logging in Ray's format.
bool is_ray_log_line(std::string_view line) {
  constexpr std::string_view kShape = "0000-00-00 00:00:00,000\t";
  if (line.size() <= kShape.size() || line.find(" -- ") == std::string_view::npos) return false;
  for (size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(line[i])) != 0;
    if (kShape[i] == '0' ? !digit : line[i] != kShape[i]) return false;
  }
  return true;
}

// The longest end of `text` that is the start of `marker` (and shorter than it).
size_t marker_start_at_end(std::string_view text, std::string_view marker) {
  for (size_t n = std::min(text.size(), marker.size() - 1); n > 0; --n) {
    if (marker.starts_with(text.substr(text.size() - n))) return n;
  }
  return 0;
}

}  // namespace

JobOutput::JobOutput(std::string_view id, std::function<bool(std::string_view)> out)
    : marker_("Running entrypoint for job " + std::string(id) + ": "), out_(std::move(out)) {}

bool JobOutput::emit(std::string_view text) {
  ready_.append(text);
  return ready_.size() < kMaxHeld || send();
}

bool JobOutput::send() {
  if (ready_.empty()) return true;
  const bool more = out_(ready_);
  ready_.clear();
  return more;
}

// line_ holds a whole line, its '\n' included.
bool JobOutput::end_line() {
  std::string_view line(line_);
  const bool started = line_started_;
  line_started_ = false;
  if (leading_ && !started && is_ray_log_line(line.substr(0, line.size() - 1))) {
    line_.clear();
    return true;
  }
  leading_ = false;
  if (!marker_done_) {
    if (size_t at = line.find(marker_); at != std::string_view::npos) {
      marker_done_ = true;
      const bool more = emit(line.substr(0, at));
      line_.clear();
      return more;
    }
  }
  const bool more = emit(line);
  line_.clear();
  return more;
}

bool JobOutput::write(std::string_view log) {
  for (size_t i = 0; i < log.size();) {
    const size_t newline = log.find('\n', i);
    if (dropping_) {
      if (newline == std::string_view::npos) break;
      dropping_ = false;
      i = newline + 1;
      continue;
    }
    if (newline == std::string_view::npos) {
      line_.append(log.substr(i));
      if (line_.size() > kMaxHeld && !release(true)) return false;
      break;
    }
    line_.append(log.substr(i, newline + 1 - i));
    i = newline + 1;
    if (!end_line()) return false;
  }
  return send();
}

// Lets out what of the unfinished line cannot become one of Ray's; `whole`: a leading line is taken for the
// job's even when it starts with a digit.
bool JobOutput::release(bool whole) {
  if (dropping_ || line_.empty()) return true;
  if (leading_ && !line_started_) {
    if (!whole && std::isdigit(static_cast<unsigned char>(line_[0])) != 0) return true;
    leading_ = false;
  }
  size_t keep = 0;
  if (!marker_done_) {
    if (size_t at = line_.find(marker_); at != std::string::npos) {
      marker_done_ = true;
      dropping_ = true;
      const bool more = emit(std::string_view(line_).substr(0, at));
      line_.clear();
      line_started_ = false;
      return more;
    }
    keep = marker_start_at_end(line_, marker_);
  }
  if (keep == line_.size()) return true;
  const bool more = emit(std::string_view(line_).substr(0, line_.size() - keep));
  line_.erase(0, line_.size() - keep);
  line_started_ = true;
  return more;
}

bool JobOutput::flush() { return release(false) && send(); }

bool JobOutput::finish() {
  if (!release(false)) return false;
  if (!dropping_ && !line_.empty() && !(leading_ && !line_started_ && is_ray_log_line(line_)) && !emit(line_)) {
    return false;
  }
  line_.clear();
  return send();
}

std::string job_output(std::string_view log, std::string_view id) {
  std::string output;
  JobOutput filter(id, [&output](std::string_view text) {
    output.append(text);
    return true;
  });
  filter.write(log);
  filter.flush();
  return output;
}

}  // namespace dlaunch::ray
