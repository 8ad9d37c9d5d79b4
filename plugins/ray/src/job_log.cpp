#include "job_log.hpp"

#include <cctype>
#include <string>

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

}  // namespace

std::string_view job_output(std::string_view log, std::string_view id) {
  const std::string running = "Running entrypoint for job " + std::string(id) + ": ";
  size_t line_start = 0;
  while (true) {
    size_t end = log.find('\n', line_start);
    std::string_view line = log.substr(line_start, end == std::string_view::npos ? end : end - line_start);
    if (end == std::string_view::npos) {
      // Only Ray's lines so far, and the last one perhaps still being written: nothing of the job's yet,
      // unless that line can become neither of Ray's.
      const bool may_be_rays = line.empty() || line.starts_with(running) ||
                               std::string_view(running).starts_with(line) ||
                               std::isdigit(static_cast<unsigned char>(line.front())) != 0;
      return may_be_rays ? std::string_view() : log.substr(line_start);
    }
    if (line.starts_with(running)) return log.substr(end + 1);
    // Something else (pip's output while a runtime_env is set up): from there on, everything is shown.
    if (!is_ray_log_line(line)) return log.substr(line_start);
    line_start = end + 1;
  }
}

}  // namespace dlaunch::ray
