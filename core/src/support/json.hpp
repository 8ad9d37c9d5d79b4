// Reading JSON the core did not just write (the journal, a JSON journal to migrate, the options kept in it)
// without letting its nesting reach the stack: RapidJSON's default parser recurses once per level (about
// 200 KB of "[" overflow the stack), and so do Accept and CopyFrom on the parsed value.
#ifndef DLAUNCH_CORE_SRC_SUPPORT_JSON_HPP_
#define DLAUNCH_CORE_SRC_SUPPORT_JSON_HPP_

#include <dlaunch/json_nesting.hpp>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace dlaunch {

using sdk::kMaxJsonNesting;

// Parses `text` into `doc` with RapidJSON's iterative parser. Returns "" when it did, else what is wrong:
// "arrays and objects nested deeper than 512 levels", or the parser's message and the byte it stopped at.
[[nodiscard]] inline std::string parse_json(rapidjson::Document& doc, std::string_view text) {
  if (sdk::json_nests_deeper_than(text)) {
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
