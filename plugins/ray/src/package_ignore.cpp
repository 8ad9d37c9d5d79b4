#include "package_ignore.hpp"

#include <dlaunch/plugin.hpp>
#include <fnmatch.h>

#include <fstream>

namespace dlaunch::ray {
namespace {

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  for (size_t begin = 0;;) {
    size_t slash = text.find('/', begin);
    parts.push_back(text.substr(begin, slash - begin));
    if (slash == std::string_view::npos) return parts;
    begin = slash + 1;
  }
}

// Whether path[si..] matches pattern[pi..], component by component.
bool match(const std::vector<std::string>& pattern, size_t pi, const std::vector<std::string_view>& path,
           size_t si) {
  if (pi == pattern.size()) return si == path.size();
  if (pattern[pi] == "**") {
    for (size_t next = si; next <= path.size(); ++next) {
      if (match(pattern, pi + 1, path, next)) return true;
    }
    return false;
  }
  if (si == path.size()) return false;
  return fnmatch(pattern[pi].c_str(), std::string(path[si]).c_str(), 0) == 0 && match(pattern, pi + 1, path, si + 1);
}

}  // namespace

IgnoreRules::IgnoreRules(const std::vector<std::string>& lines) {
  for (std::string line : lines) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    // Trailing spaces are dropped unless the last one is escaped.
    while (line.ends_with(' ') && !line.ends_with("\\ ")) line.pop_back();
    if (line.empty() || line.starts_with('#')) continue;
    Rule rule;
    if (line.starts_with('!')) {
      rule.negated = true;
      line.erase(0, 1);
    }
    if (line.ends_with('/')) {
      rule.directories_only = true;
      line.pop_back();
    }
    bool anchored = line.find('/') != std::string::npos;
    if (line.starts_with('/')) line.erase(0, 1);
    if (line.empty()) continue;
    if (!anchored) rule.segments.push_back("**");  // a bare name matches at any depth
    for (std::string_view part : split(line)) {
      std::string segment(part);
      if (segment.find("**") != std::string::npos && segment != "**") segment = "*";  // "a**b" is "*" in git
      if (segment == "**" && !rule.segments.empty() && rule.segments.back() == "**") continue;
      rule.segments.push_back(segment);
    }
    rules_.push_back(std::move(rule));
  }
}

IgnoreRules IgnoreRules::read(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return {};
  // Real ignore files are a few KiB; a bigger one is a mistake, and reading it would cost without bound.
  constexpr uintmax_t kMaxBytes = 1024 * 1024;
  if (std::filesystem::file_size(file, ec) > kMaxBytes) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, file.string() + " is larger than 1 MiB, the most dlaunch reads of an ignore file");
  }
  std::ifstream in(file);
  if (!in) throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "cannot read " + file.string());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return IgnoreRules(lines);
}

bool IgnoreRules::ignored(std::string_view relative, bool is_directory) const {
  std::vector<std::string_view> path = split(relative);
  for (auto rule = rules_.rbegin(); rule != rules_.rend(); ++rule) {
    if (rule->directories_only && !is_directory) continue;
    if (match(rule->segments, 0, path, 0)) return !rule->negated;
  }
  return false;
}

}  // namespace dlaunch::ray
