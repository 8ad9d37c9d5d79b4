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

// Where the job's output starts: after the leading lines in Ray's log format. npos while the only line after
// them is still being written and may become one (it starts with a digit).
size_t after_leading_ray_lines(std::string_view log) {
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string_view::npos) {
      return std::isdigit(static_cast<unsigned char>(log[start])) != 0 ? std::string_view::npos : start;
    }
    if (!is_ray_log_line(log.substr(start, end - start))) return start;
    start = end + 1;
  }
  return start;
}

}  // namespace

std::string job_output(std::string_view log, std::string_view id) {
  size_t start = after_leading_ray_lines(log);
  if (start == std::string_view::npos) return {};
  std::string_view rest = log.substr(start);
  const std::string marker = "Running entrypoint for job " + std::string(id) + ": ";
  if (size_t at = rest.find(marker); at != std::string_view::npos) {
    size_t end = rest.find('\n', at);
    std::string output(rest.substr(0, at));
    if (end != std::string_view::npos) output += rest.substr(end + 1);
    return output;
  }
  // A line that has begun as Ray's line may still become it: it waits.
  size_t line_start = rest.rfind('\n', rest.empty() ? 0 : rest.size() - 1);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::string_view last = rest.substr(line_start);
  if (!last.empty() && std::string_view(marker).starts_with(last)) rest = rest.substr(0, line_start);
  return std::string(rest);
}

}  // namespace dlaunch::ray
