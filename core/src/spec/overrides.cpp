// apply_overrides: "--set KEY=VALUE" edits of a loaded spec, located so later diagnostics point into them.
#include <dlaunch/core/spec_loader.hpp>

#include <dlaunch/core/did_you_mean.hpp>
#include <dlaunch/key_path.hpp>
#include <dlaunch/secrets.hpp>

#include "spec/spec_error.hpp"
#include "spec/toml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace dlaunch {

namespace {

// One dotted part of an override's key, and the column where it starts in the override's text.
struct KeySegment {
  std::string name;
  uint32_t column;
};

std::string_view trim(std::string_view text, std::size_t& leading) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  leading = 0;
  while (leading < text.size() && is_space(text[leading])) ++leading;
  text.remove_prefix(leading);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<std::size_t> parse_index(std::string_view text) {
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return index;
}

// Moves every location on line 1 by `delta` columns, keys included.
void shift_columns(Value& value, int delta) {
  auto shift = [delta](SourceLocation& at) {
    if (at.line == 1) at.column = static_cast<uint32_t>(static_cast<int>(at.column) + delta);
  };
  SourceLocation at = value.location();
  shift(at);
  value.set_location(std::move(at));
  for (Value& item : value.items()) shift_columns(item, delta);
  for (Value::Member& member : value.members()) {
    shift(member.key_location);
    shift_columns(member.value, delta);
  }
}

// One override being applied. Problems become diagnostics located in the override's text.
class Override {
 public:
  Override(std::string_view text, std::size_t number, Diagnostics& diagnostics)
      : text_(text), source_("<override " + std::to_string(number) + ">"), diagnostics_(diagnostics) {}

  void apply(Value& root) {
    if (!split()) return;
    Value* node = &root;
    sdk::KeyPath path;
    for (const KeySegment& segment : segments_) {
      node = child(*node, segment, path);
      if (node == nullptr) return;
    }
    *node = parse_value();
  }

 private:
  SourceLocation at(uint32_t column) const { return SourceLocation{source_, 1, column}; }

  void report(std::string path, uint32_t column, std::string message, std::string hint = {}) {
    diagnostics_.push_back(spec::spec_error(at(column), std::move(message), std::move(path), std::move(hint)));
  }

  // Splits the text into key segments and the value text. False (reported) when malformed.
  bool split() {
    const std::size_t equals = text_.find('=');
    if (equals == std::string_view::npos) {
      // Quoted unless it names a secret (platform.slurm.token:VALUE): its value is in it.
      report("", 1, "override '" + sdk::printable(text_, text_) + "' is not of the form KEY=VALUE");
      return false;
    }
    key_ = text_.substr(0, equals);
    std::size_t leading = 0;
    value_text_ = trim(text_.substr(equals + 1), leading);
    value_column_ = static_cast<uint32_t>(equals + 2 + leading);
    if (trim(key_, leading).empty()) {
      report("", 1, "override '" + std::string(text_) + "' has no key before '='");
      return false;
    }
    bool well_formed = true;
    for (std::size_t start = 0; start <= key_.size();) {
      const std::size_t dot = std::min(key_.find('.', start), key_.size());
      const std::string_view name = trim(key_.substr(start, dot - start), leading);
      const auto column = static_cast<uint32_t>(start + leading + 1);
      if (name.empty()) {
        report("", column, "key '" + std::string(key_) + "' has an empty part");
        well_formed = false;
      }
      segments_.push_back(KeySegment{std::string(name), column});
      start = dot + 1;
    }
    return well_formed;
  }

  // The member or element `segment` names below `node` (whose path is `path`, updated to the child's).
  // A missing table member is created as an empty table. Null (reported) when it cannot be followed.
  Value* child(Value& node, const KeySegment& segment, sdk::KeyPath& path) {
    if (node.is_table()) {
      path = path.member(segment.name);
      if (Value* existing = node.find(segment.name)) return existing;
      return &node.set(segment.name, Value::table(at(segment.column)), at(segment.column));
    }
    if (node.is_array()) {
      const auto index = element_index(node, segment, path);
      if (!index) return nullptr;
      path = path.element(*index);
      return &node.items()[*index];
    }
    report(path, segment.column,
           "cannot set '" + std::string(key_) + "': '" + path.str() + "' is " + article(node) + ", not a table");
    return nullptr;
  }

  // A numeric segment indexes the array; any other names the element whose "name" is that segment.
  std::optional<std::size_t> element_index(const Value& array, const KeySegment& segment, const sdk::KeyPath& path) {
    const std::vector<Value>& items = array.items();
    if (const auto index = parse_index(segment.name)) {
      if (*index < items.size()) return index;
      report(path, segment.column,
             "index " + segment.name + " is out of range: '" + path.str() + "' has " + std::to_string(items.size()) +
                 (items.size() == 1 ? " element" : " elements"));
      return std::nullopt;
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Value* name = items[i].is_table() ? items[i].find("name") : nullptr;
      if (name == nullptr || !name->is_string()) continue;
      if (name->as_string() == segment.name) return i;
      names.push_back(name->as_string());
    }
    report(path, segment.column, "'" + path.str() + "' has no element named '" + segment.name + "'",
           names.empty() ? "select an element by its index, from 0" : did_you_mean(segment.name, names));
    return std::nullopt;
  }

  // A TOML value when the text is one ("4", "true", "[1, 2]", "'x'"), else the text itself (without
  // surrounding spaces), so "platform.ray.address=http://h:8265" needs no quotes.
  Value parse_value() const {
    static constexpr std::string_view kPrefix = "v = ";
    auto parsed = spec::read_toml(std::string(kPrefix) + std::string(value_text_), source_);
    if (parsed && parsed->members().size() == 1 && parsed->members().front().key == "v") {
      Value value = std::move(parsed->members().front().value);
      // Columns of the parsed "v = VALUE" line, moved to where VALUE is in the override.
      shift_columns(value, static_cast<int>(value_column_) - static_cast<int>(kPrefix.size() + 1));
      return value;
    }
    return Value::string(std::string(value_text_), at(value_column_));
  }

  static std::string article(const Value& value) {
    const std::string kind = value.kind_name();
    return (kind.front() == 'a' || kind.front() == 'i' ? "an " : "a ") + kind;
  }

  std::string_view text_;
  std::string source_;  // "<override N>", the file name of its locations
  Diagnostics& diagnostics_;
  std::string_view key_;
  std::vector<KeySegment> segments_;
  std::string_view value_text_;
  uint32_t value_column_ = 0;
};

}  // namespace

Diagnostics apply_overrides(Value& root, const std::vector<std::string>& overrides) {
  Diagnostics diagnostics;
  for (std::size_t i = 0; i < overrides.size(); ++i) Override(overrides[i], i + 1, diagnostics).apply(root);
  return diagnostics;
}

}  // namespace dlaunch
