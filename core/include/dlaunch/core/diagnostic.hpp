// Diagnostics: what every validation stage reports, and how they print (compiler style).
#ifndef DLAUNCH_CORE_DIAGNOSTIC_HPP_
#define DLAUNCH_CORE_DIAGNOSTIC_HPP_

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch {

// A file's name, shared by every location in that file rather than copied into each: a spec of 300,000 keys
// holds 600,000 locations, and a string each cost 19 MiB and as many allocations. Immutable.
class FileName {
 public:
  FileName() = default;
  FileName(std::string name)  // implicit, as the string it stands for
      : name_(std::make_shared<const std::string>(std::move(name))) {}
  FileName(const char* name) : FileName(std::string(name)) {}  // implicit, as above

  const std::string& str() const { return name_ ? *name_ : empty_name(); }
  operator const std::string&() const { return str(); }  // usable wherever the string is
  bool empty() const { return str().empty(); }

  friend bool operator==(const FileName& a, const FileName& b) { return a.str() == b.str(); }
  friend std::strong_ordering operator<=>(const FileName& a, const FileName& b) { return a.str() <=> b.str(); }

 private:
  static const std::string& empty_name() {
    static const std::string empty;
    return empty;
  }
  std::shared_ptr<const std::string> name_;
};

// Where a value came from. line and column count from 1; 0 means unknown (a job built in code).
struct SourceLocation {
  FileName file;
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
