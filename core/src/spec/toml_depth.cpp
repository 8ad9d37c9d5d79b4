#include "spec/toml_depth.hpp"

#include <vector>

namespace dlaunch::spec {

namespace {

class DepthScanner {
 public:
  DepthScanner(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

  std::optional<std::size_t> scan() {
    while (at_ < text_.size() && !too_deep_) {
      const char c = text_[at_];
      if (c == '#') {
        skip_comment();
      } else if (c == '\n') {
        ++at_;
        if (open_.empty()) statement_start_ = true;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++at_;
      } else if (statement_start_) {
        statement_start_ = false;
        if (c == '[') {
          header();
        } else {
          key(table_depth_);
        }
      } else {
        value_character(c);
      }
    }
    return too_deep_;
  }

 private:
  // An open array or inline table of a value, and the depth of that value.
  struct Open {
    char bracket;  // '[' or '{'
    std::size_t depth;
  };

  // [a.b] or [[a.b]]: the tables its keys follow lie that deep.
  void header() {
    const std::size_t start = at_;
    while (at_ < text_.size() && text_[at_] == '[') ++at_;
    const std::size_t segments = key_segments(']');
    while (at_ < text_.size() && text_[at_] == ']') ++at_;
    table_depth_ = segments;
    check(table_depth_, start);
  }

  // A key (a.b."c") at the start of a statement or of an inline table member, up to its '='; the value
  // that follows starts there.
  void key(std::size_t base_depth) {
    const std::size_t start = at_;
    const std::size_t depth = base_depth + key_segments('=');
    if (at_ < text_.size()) ++at_;  // the '='
    value_depth_ = depth;
    check(depth, start);
  }

  // Counts the dotted segments of a key up to `end` (not consumed) or the end of the line.
  std::size_t key_segments(char end) {
    std::size_t segments = 1;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == end || c == '\n' || c == '#') break;
      if (c == '"' || c == '\'') {
        skip_string();
      } else {
        if (c == '.') ++segments;
        ++at_;
      }
    }
    return segments;
  }

  void value_character(char c) {
    if (c == '"' || c == '\'') {
      skip_string();
      return;
    }
    ++at_;
    if (c == '[' || c == '{') {
      open_.push_back(Open{c, value_depth_});
      value_depth_ += 1;  // an element, or the first segment of a member's key
      check(value_depth_, at_ - 1);
      if (c == '{') expect_inline_key();
    } else if ((c == ']' || c == '}') && !open_.empty()) {
      open_.pop_back();
      value_depth_ = open_.empty() ? 0 : open_.back().depth + 1;
    } else if (c == ',' && !open_.empty()) {
      value_depth_ = open_.back().depth + 1;
      if (open_.back().bracket == '{') expect_inline_key();
    }
  }

  // After '{' or a ',' in an inline table: the next key, unless the table closes.
  void expect_inline_key() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
    if (at_ < text_.size() && text_[at_] != '}') key(open_.back().depth);
  }

  void skip_comment() {
    while (at_ < text_.size() && text_[at_] != '\n') ++at_;
  }

  // A string starting at at_: "basic", 'literal', """multi-line basic""", '''multi-line literal'''.
  void skip_string() {
    const char quote = text_[at_];
    const std::string_view triple = quote == '"' ? "\"\"\"" : "'''";
    const bool multi_line = text_.compare(at_, 3, triple) == 0;
    at_ += multi_line ? 3 : 1;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\\' && quote == '"') {
        at_ += 2;
      } else if (multi_line ? text_.compare(at_, 3, triple) == 0 : c == quote) {
        at_ += multi_line ? 3 : 1;
        // A multi-line string's content may end with up to two quotes of its own.
        while (multi_line && at_ < text_.size() && text_[at_] == quote) ++at_;
        return;
      } else if (c == '\n' && !multi_line) {
        return;  // unterminated: toml++ reports it
      } else {
        ++at_;
      }
    }
  }

  void check(std::size_t depth, std::size_t offset) {
    if (depth > max_depth_ && !too_deep_) too_deep_ = offset;
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t at_ = 0;
  bool statement_start_ = true;
  std::size_t table_depth_ = 0;  // of the tables the latest header names (0: the root table)
  std::size_t value_depth_ = 0;
  std::vector<Open> open_;  // at most max_depth_ + 1 long: the scan stops deeper
  std::optional<std::size_t> too_deep_;
};

}  // namespace

std::optional<std::size_t> find_too_deep(std::string_view text, std::size_t max_depth) {
  return DepthScanner(text, max_depth).scan();
}

}  // namespace dlaunch::spec
