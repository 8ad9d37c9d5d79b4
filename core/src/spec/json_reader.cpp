#include "spec/json_reader.hpp"

#include <dlaunch/key_path.hpp>

#include "spec/nesting_limit.hpp"
#include "spec/parser_message.hpp"
#include "spec/spec_error.hpp"
#include "spec/text_position.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dlaunch::spec {

namespace {

// A RapidJSON input stream over text in memory that remembers where the latest token began. The Reader
// calls its handler when a token has been read to its end; the handler asks this stream for the start.
// Tracking tokens needs only whether we are inside a string (where spaces and brackets are ordinary
// characters) or inside a bare literal (a number, true, false, null).
class TokenStartStream {
 public:
  using Ch = char;

  explicit TokenStartStream(std::string_view text) : text_(text) {}

  Ch Peek() const { return offset_ < text_.size() ? text_[offset_] : '\0'; }
  std::size_t Tell() const { return offset_; }
  Ch Take() {
    if (offset_ >= text_.size()) return '\0';
    const Ch c = text_[offset_];
    track(c);
    ++offset_;
    return c;
  }

  // Writing is only for in-situ parsing, which is not used.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }

  std::size_t token_start() const { return token_start_; }

 private:
  static bool is_space(Ch c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  static bool is_structural(Ch c) {
    return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':';
  }

  void track(Ch c) {
    if (in_string_) {
      if (escaping_) {
        escaping_ = false;
      } else if (c == '\\') {
        escaping_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      return;
    }
    if (c == '"') {
      in_string_ = true;
      in_literal_ = false;
      token_start_ = offset_;
    } else if (is_structural(c)) {
      in_literal_ = false;
      token_start_ = offset_;
    } else if (is_space(c)) {
      in_literal_ = false;
    } else if (!in_literal_) {
      in_literal_ = true;
      token_start_ = offset_;
    }
  }

  std::string_view text_;
  std::size_t offset_ = 0;
  std::size_t token_start_ = 0;
  bool in_string_ = false;
  bool escaping_ = false;
  bool in_literal_ = false;
};

// Builds the Value tree from SAX events. Containers being filled wait on a stack and are attached to their
// parent when they close. Past kMaxNesting levels the parse stops: RapidJSON's parser recurses once per
// level, and it calls StartObject/StartArray before it descends, so the refusal bounds its recursion too.
class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  TreeBuilder(const TokenStartStream& stream, const LineIndex& lines, const std::string& file_name)
      : stream_(stream), lines_(lines), file_name_(file_name) {}

  bool Null() { return add(Value::null(here())); }
  bool Bool(bool b) { return add(Value::boolean(b, here())); }
  bool Int(int i) { return add(Value::integer(i, here())); }
  bool Uint(unsigned u) { return add(Value::integer(u, here())); }
  bool Int64(int64_t i) { return add(Value::integer(i, here())); }
  bool Uint64(uint64_t u) {
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      report(path_of_next_value(), "integer " + std::to_string(u) + " is too large (the largest is " +
                                       std::to_string(std::numeric_limits<int64_t>::max()) + ")");
      return add(Value::floating(static_cast<double>(u), here()));
    }
    return add(Value::integer(static_cast<int64_t>(u), here()));
  }
  bool Double(double d) { return add(Value::floating(d, here())); }
  bool String(const char* s, rapidjson::SizeType length, bool) {
    return add(Value::string(std::string(s, length), here()));
  }

  bool StartObject() { return open(Value::table(here())); }
  bool Key(const char* s, rapidjson::SizeType length, bool) {
    OpenContainer& table = open_.back();
    table.key.assign(s, length);
    table.key_location = here();
    table.duplicate_of.reset();
    if (const auto first = table.key_index.find(table.key); first != table.key_index.end()) {
      table.duplicate_of = first->second;
      const SourceLocation& at = table.value.members()[first->second].key_location;
      report(path_of_next_value(), "duplicate key '" + table.key + "' (first at line " + std::to_string(at.line) +
                                       ", column " + std::to_string(at.column) + ")");
    }
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(Value::array(here())); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  std::optional<Value>& root() { return root_; }
  Diagnostics& diagnostics() { return diagnostics_; }
  // Where the parse was stopped for nesting too deep, if it was.
  const std::optional<SourceLocation>& too_deep() const { return too_deep_; }

 private:
  struct OpenContainer {
    Value value;
    sdk::KeyPath path;
    std::string key;  // tables: the key whose value comes next
    SourceLocation key_location;
    // Tables: each key's index in members(), so duplicates are found without searching every key.
    std::unordered_map<std::string, std::size_t> key_index;
    std::optional<std::size_t> duplicate_of;  // the index `key` already has, when it is a duplicate
  };

  SourceLocation here() const { return lines_.locate(stream_.token_start(), file_name_); }

  // The key path the next value will have.
  sdk::KeyPath path_of_next_value() const {
    if (open_.empty()) return {};
    const OpenContainer& parent = open_.back();
    return parent.value.is_array() ? parent.path.element(parent.value.items().size()) : parent.path.member(parent.key);
  }

  bool open(Value container) {
    if (open_.size() == kMaxNesting) {
      too_deep_ = here();
      return false;  // stops the parse
    }
    sdk::KeyPath path = path_of_next_value();
    open_.push_back(OpenContainer{std::move(container), std::move(path), {}, {}, {}, {}});
    return true;
  }

  bool close() {
    Value done = std::move(open_.back().value);
    open_.pop_back();
    return add(std::move(done));
  }

  bool add(Value v) {
    if (open_.empty()) {
      root_ = std::move(v);
    } else if (OpenContainer& parent = open_.back(); parent.value.is_array()) {
      parent.value.push_back(std::move(v));
    } else if (parent.duplicate_of) {
      // The later value wins; the key keeps its first location.
      parent.value.members()[*parent.duplicate_of].value = std::move(v);
    } else {
      parent.key_index.emplace(parent.key, parent.value.members().size());
      parent.value.append_member(std::move(parent.key), std::move(v), std::move(parent.key_location));
    }
    return true;
  }

  void report(std::string path, std::string message) {
    diagnostics_.push_back(spec_error(here(), std::move(message), std::move(path)));
  }

  const TokenStartStream& stream_;
  const LineIndex& lines_;
  const FileName file_name_;  // shared by every location
  std::vector<OpenContainer> open_;
  std::optional<Value> root_;
  std::optional<SourceLocation> too_deep_;
  Diagnostics diagnostics_;
};

}  // namespace

std::expected<Value, Diagnostics> read_json(std::string_view text, const std::string& file_name) {
  const LineIndex lines(text);
  TokenStartStream stream(text);
  TreeBuilder builder(stream, lines, file_name);
  rapidjson::Reader reader;
  // Not kParseFullPrecisionFlag: RapidJSON 1.1.0's full-precision path reads a zero with a large exponent
  // (0e90, 0.0e100) as a huge number (found by tests/fuzz). The normal path is exact for the short decimals
  // of job specs and at most a few units in the last place off for long ones.
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag;
  const rapidjson::ParseResult parsed = reader.Parse<kFlags>(stream, builder);
  Diagnostics& diagnostics = builder.diagnostics();
  if (builder.too_deep()) {
    diagnostics.push_back(spec_error(*builder.too_deep(), nested_too_deep("objects")));
  } else if (parsed.IsError()) {
    diagnostics.push_back(spec_error(lines.locate(parsed.Offset(), file_name),
                                     parser_message(rapidjson::GetParseError_En(parsed.Code()))));
  } else if (!builder.root()->is_table()) {
    const Value& root = *builder.root();
    diagnostics.push_back(
        spec_error(root.location(), std::string("a job spec must be a JSON object, got ") + root.kind_name()));
  }
  if (!diagnostics.empty()) return std::unexpected(std::move(diagnostics));
  return std::move(*builder.root());
}

}  // namespace dlaunch::spec
