// Reading JSON that comes from outside dlaunch (a server's answer, a job comment, a credential helper's output,
// the environment) without letting its nesting reach the stack: RapidJSON's default parser recurses once per
// level (about 200 KB of "[" overflow the stack), and so do Accept and CopyFrom on the parsed value.
#ifndef DLAUNCH_SUPPORT_JSON_HPP_
#define DLAUNCH_SUPPORT_JSON_HPP_

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace dlaunch::support {

// Deeper than any answer of the services dlaunch talks to, shallow enough for any recursion over the value.
inline constexpr std::size_t kMaxJsonNesting = 512;

// Whether arrays and objects in `text` nest deeper than `limit`, counted in one pass without recursion (brackets
// inside strings do not count).
inline bool nests_deeper_than(std::string_view text, std::size_t limit) {
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

// Parses `text` into `doc` with RapidJSON's iterative parser. Returns an empty string when it did, else what
// is wrong, to follow a word such as "answered": "something that is not JSON" or "JSON nested deeper than 512
// levels" (then `doc` is null).
[[nodiscard]] inline std::string parse_json(rapidjson::Document& doc, std::string_view text) {
  if (nests_deeper_than(text, kMaxJsonNesting)) {
    doc.SetNull();
    return "JSON nested deeper than " + std::to_string(kMaxJsonNesting) + " levels";
  }
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  return doc.HasParseError() ? "something that is not JSON" : "";
}

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_JSON_HPP_
