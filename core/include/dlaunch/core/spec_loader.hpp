// Loading a job spec file (TOML or JSON) into a located Value tree, and applying --set overrides to it.
#ifndef DLAUNCH_CORE_SPEC_LOADER_HPP_
#define DLAUNCH_CORE_SPEC_LOADER_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/error.hpp>
#include <dlaunch/core/value.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {

enum class SpecFormat { kToml, kJson };

// The largest job spec or configuration dlaunch reads: far beyond any real one, small enough that reading
// and parsing one stays quick.
inline constexpr std::size_t kMaxSpecBytes = 16 * 1024 * 1024;

// Chooses the format from the file name: ".json" is JSON, anything else TOML.
SpecFormat spec_format_for(std::string_view path);

// Reads and parses `path`. Every Value carries file/line/column; `file` in locations is `path` as given.
// A missing or unreadable file, or one that is not a regular file (a FIFO, a device, a directory), is
// kUnreadable, its one diagnostic naming the file; so is a file larger than 16 MiB, but as kInvalidArgument.
// Syntax errors are kInvalidArgument with every one located in the diagnostics; JSON and TOML both stop at
// arrays and tables nested deeper than 256 levels. Time and memory are linear in the file's size.
Result<Value> load_spec_file(const std::string& path);

// Reads `in` (a spec piped to `run -`) to its end, but never more than kMaxSpecBytes + 1 bytes: enough for
// parse_spec to refuse it, in bounded memory, whatever the pipe holds.
std::string read_spec_text(std::istream& in);

// Parses text already in memory; `file_name` is used in locations. Syntax errors as for load_spec_file; text
// over kMaxSpecBytes is kInvalidArgument, its one diagnostic naming `file_name`.
Result<Value> parse_spec(std::string_view text, SpecFormat format, const std::string& file_name);

// Applies "KEY=VALUE" overrides in order. KEY is a dotted path; a path segment that names an element of an
// array of tables by its "name" key is allowed: "roles.trainer.replicas=4". A numeric segment indexes an
// array: "roles.0.replicas". VALUE is parsed as a TOML value when it is one (4, 2.5, true, "x", [1, 2],
// {a = "b"}), else taken as a plain string. Overridden values are located at "<override N>:1:col". Missing
// tables are created. Malformed overrides are reported as diagnostics (path and message), all at once.
Diagnostics apply_overrides(Value& root, const std::vector<std::string>& overrides);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SPEC_LOADER_HPP_
