// How deeply JSON read from outside may nest, and a check of it that does not recurse. For C++ plugins and
// the host alike: RapidJSON's default parser recurses once per level of nesting (about 200 KB of "[" overflow
// the stack), and so do CopyFrom and Accept on a parsed value. Parse with rapidjson::kParseIterativeFlag after
// json_nests_deeper_than() said no, and neither can reach the stack. Header-only, no dependencies.
#ifndef DLAUNCH_JSON_NESTING_HPP_
#define DLAUNCH_JSON_NESTING_HPP_

#include <cstddef>
#include <string_view>

namespace dlaunch::sdk {

// Deeper than any answer of the services dlaunch talks to or any document it writes, shallow enough for any
// recursion over the parsed value.
inline constexpr std::size_t kMaxJsonNesting = 512;

// Whether arrays and objects in `text` nest deeper than `limit`, counted in one pass without recursion
// (brackets inside strings do not count). Text that is not JSON gets an answer too; the parser refuses it.
inline bool json_nests_deeper_than(std::string_view text, std::size_t limit = kMaxJsonNesting) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_JSON_NESTING_HPP_
