// Reading JSON that comes from outside dlaunch (a server's answer, a job comment, a credential helper's output,
// the environment) without letting its nesting reach the stack: RapidJSON's default parser recurses once per
// level (about 200 KB of "[" overflow the stack), and so do Accept and CopyFrom on the parsed value.
#ifndef DLAUNCH_SUPPORT_JSON_HPP_
#define DLAUNCH_SUPPORT_JSON_HPP_

#include <dlaunch/json_nesting.hpp>
#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace dlaunch::support {

using sdk::kMaxJsonNesting;

// Parses `text` into `doc` with RapidJSON's iterative parser. Returns an empty string when it did, else what
// is wrong, to follow a word such as "answered": "something that is not JSON" or "JSON nested deeper than 512
// levels" (then `doc` is null).
[[nodiscard]] inline std::string parse_json(rapidjson::Document& doc, std::string_view text) {
  if (sdk::json_nests_deeper_than(text)) {
    doc.SetNull();
    return "JSON nested deeper than " + std::to_string(kMaxJsonNesting) + " levels";
  }
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  return doc.HasParseError() ? "something that is not JSON" : "";
}

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_JSON_HPP_
