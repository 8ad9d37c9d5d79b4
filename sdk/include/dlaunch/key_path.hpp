// Key paths inside a job, as diagnostics name them: "roles[1].resources.gpu", "platform.ray.address".
//
// Shared by the host and C++ plugins: plugins build the paths they report with it, and the host parses every
// path a plugin reports (to point at the spec's line and column) with the same grammar:
//
//   path  := "" | key ( "." key | "[" index "]" )*
//   key   := one or more characters other than '.', '[', ']' and '"'
//          | '"' characters, with \" and \\ escaped, '"'     (as TOML quotes keys: labels."app.k8s.io/name")
//   index := decimal digits that fit in size_t
//
// member() quotes a key only when it must (empty, or holding one of . [ ] " \), so user-given keys such as
// label names never make a path malformed or ambiguous.
#ifndef DLAUNCH_KEY_PATH_HPP_
#define DLAUNCH_KEY_PATH_HPP_

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace dlaunch::sdk {

class KeyPath {
 public:
  // One step down: a table member (key) or an array element (index).
  struct Step {
    std::string key;  // a member's key (unquoted)
    std::size_t index = 0;
    bool element = false;  // an array element: index, not key
    bool is_element() const { return element; }
  };

  KeyPath() = default;  // the whole job
  explicit KeyPath(std::string_view key) : text_(quoted(key)) {}

  KeyPath member(std::string_view key) const {
    return KeyPath(text_.empty() ? quoted(key) : text_ + "." + quoted(key), 0);
  }
  KeyPath element(std::size_t index) const { return KeyPath(text_ + "[" + std::to_string(index) + "]", 0); }

  const std::string& str() const { return text_; }
  operator const std::string&() const { return text_; }  // NOLINT: reads where a path string is expected
  bool empty() const { return text_.empty(); }

  // The steps of `text`, or nullopt when it is malformed ("roles[]", "roles[x]", "a..b", an index beyond
  // size_t). "" is the whole job: no steps.
  static std::optional<std::vector<Step>> parse(std::string_view text) {
    std::vector<Step> steps;
    std::size_t pos = 0;
    bool expect_key = true;  // at the start, and after '.'
    while (pos < text.size() || expect_key) {
      if (expect_key && pos < text.size() && text[pos] == '"') {
        std::string key;
        for (++pos; pos < text.size() && text[pos] != '"'; ++pos) {
          if (text[pos] == '\\' && ++pos == text.size()) return std::nullopt;
          key += text[pos];
        }
        if (pos == text.size()) return std::nullopt;  // no closing quote
        ++pos;
        steps.push_back(Step{std::move(key), 0, false});
        expect_key = false;
      } else if (expect_key) {
        const std::size_t end = std::min(text.find_first_of(".[]\"", pos), text.size());
        if (end == pos) return text.empty() ? std::optional(steps) : std::nullopt;
        steps.push_back(Step{std::string(text.substr(pos, end - pos)), 0, false});
        pos = end;
        expect_key = false;
      } else if (text[pos] == '.') {
        ++pos;
        expect_key = true;
      } else if (text[pos] == '[') {
        const std::size_t close = text.find(']', pos);
        if (close == std::string_view::npos || close == pos + 1) return std::nullopt;
        std::size_t index = 0;
        const char* first = text.data() + pos + 1;
        const char* last = text.data() + close;
        auto [end, error] = std::from_chars(first, last, index);
        if (error != std::errc() || end != last) return std::nullopt;
        steps.push_back(Step{{}, index, true});
        pos = close + 1;
      } else {
        return std::nullopt;  // a stray ']'
      }
    }
    return steps;
  }

 private:
  KeyPath(std::string text, int /*built*/) : text_(std::move(text)) {}

  static std::string quoted(std::string_view key) {
    if (!key.empty() && key.find_first_of(".[]\"\\") == std::string_view::npos) return std::string(key);
    std::string out = "\"";
    for (char c : key) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  std::string text_;
};

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_KEY_PATH_HPP_
