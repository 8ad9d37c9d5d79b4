// Reading JSON the core did not just write (the journal, a JSON journal to migrate, the options kept in it)
// without letting its nesting reach the stack: RapidJSON's default parser recurses once per level (about
// 200 KB of "[" overflow the stack), and so do Accept and CopyFrom on the parsed value.
#ifndef DLAUNCH_CORE_SRC_SUPPORT_JSON_HPP_
#define DLAUNCH_CORE_SRC_SUPPORT_JSON_HPP_

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace dlaunch {

inline constexpr std::size_t kMaxJsonNesting = 512;

// Whether arrays and objects in `text` nest deeper than kMaxJsonNesting, counted in one pass without recursion
// (brackets inside strings do not count).
inline bool json_nests_too_deep(std::string_view text) {
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
      if (++depth > kMaxJsonNesting) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Parses `text` into `doc` with RapidJSON's iterative parser. Returns "" when it did, else what is wrong:
// "arrays and objects nested deeper than 512 levels", or the parser's message and the byte it stopped at.
[[nodiscard]] inline std::string parse_json(rapidjson::Document& doc, std::string_view text) {
  if (json_nests_too_deep(text)) {
    doc.SetNull();
    return "arrays and objects nested deeper than " + std::to_string(kMaxJsonNesting) + " levels";
  }
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (!doc.HasParseError()) return "";
  return std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at byte " +
         std::to_string(doc.GetErrorOffset());
}

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_SUPPORT_JSON_HPP_
