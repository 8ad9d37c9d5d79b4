// Diagnostics: what every validation stage reports, and how they print (compiler style).
#ifndef DLAUNCH_CORE_DIAGNOSTIC_HPP_
#define DLAUNCH_CORE_DIAGNOSTIC_HPP_

#include <cstdint>
#include <string>
#include <vector>

namespace dlaunch {

// Where a value came from. line and column count from 1; 0 means unknown (a job built in code).
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;

  bool known() const { return line != 0; }
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string path;         // key path inside the job, e.g. "roles[1].resources.memory"; empty for the whole file
  SourceLocation location;  // may be unknown
  std::string message;
  std::string hint;         // optional: "did you mean 'replicas'?"
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diagnostics);

// "file:line:col: error: message (at path) [hint]" — one line, or two with the hint as a note.
std::string format_diagnostic(const Diagnostic& d);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_DIAGNOSTIC_HPP_
