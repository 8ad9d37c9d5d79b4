#include <dlaunch/core/diagnostic.hpp>

#include <algorithm>

namespace dlaunch {

namespace {

// What a diagnostic's lines start with: where it is, as precisely as known. "job.toml:12:11", "job.toml",
// or the key path when the job was built in code. Empty when nothing is known.
std::string where_prefix(const Diagnostic& d) {
  const SourceLocation& at = d.location;
  if (at.known()) {
    std::string prefix = at.file.str() + ":" + std::to_string(at.line);
    if (at.column != 0) prefix += ":" + std::to_string(at.column);
    return prefix;
  }
  if (!at.file.empty()) return at.file.str();
  return d.path;
}

}  // namespace

bool has_errors(const Diagnostics& diagnostics) {
  return std::ranges::any_of(diagnostics, [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::string format_diagnostic(const Diagnostic& d) {
  const std::string where = where_prefix(d);
  const std::string lead = where.empty() ? std::string() : where + ": ";
  std::string text = lead + (d.severity == Severity::kError ? "error: " : "warning: ") + d.message;
  // The key path is repeated unless it already is the prefix (no location known).
  if (!d.path.empty() && where != d.path) text += " (at " + d.path + ")";
  if (!d.hint.empty()) text += "\n" + lead + "note: " + d.hint;
  return text;
}

}  // namespace dlaunch
