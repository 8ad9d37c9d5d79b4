#include "yaml_text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace dlaunch::kubernetes {
namespace {

// Plain scalars a YAML 1.1 reader (kubectl's) would not read back as this string: numbers, booleans
// (yes/no/on/off too), null, and anything starting like a number or a YAML indicator.
bool needs_quotes(std::string_view text) {
  if (text.empty()) return true;
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::array<std::string_view, 13> kWords = {"true", "false", "yes", "no", "on", "off", "y",
                                                              "n", "null", "~", ".inf", ".nan", "-.inf"};
  if (std::find(kWords.begin(), kWords.end(), lower) != kWords.end()) return true;
  char first = text.front();
  return std::isdigit(static_cast<unsigned char>(first)) || first == '+' || first == '-' || first == '.';
}

// A literal block ("|") keeps every character of a text of several lines that ends with exactly one newline
// (its default "clip" chomping), when the first line does not start with a space or a newline (the block's
// indentation is read from it) and there are no tabs or carriage returns.
bool reads_back_as_literal_block(std::string_view text) {
  if (text.size() < 2 || text.back() != '\n' || text[text.size() - 2] == '\n') return false;
  if (text.find('\n') == text.size() - 1) return false;  // one line: a plain or quoted scalar is clearer
  return text.find_first_of("\t\r") == std::string_view::npos && text.front() != ' ' && text.front() != '\n';
}

void emit(YAML::Emitter& out, const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      out << YAML::Null;
      break;
    case rapidjson::kFalseType:
      out << false;
      break;
    case rapidjson::kTrueType:
      out << true;
      break;
    case rapidjson::kNumberType:
      if (value.IsInt64()) {
        out << value.GetInt64();
      } else {
        out << value.GetDouble();
      }
      break;
    case rapidjson::kStringType: {
      std::string text(value.GetString(), value.GetStringLength());
      if (reads_back_as_literal_block(text)) {
        out << YAML::Literal << text;  // a script stays readable
      } else if (text.find('\n') != std::string::npos || needs_quotes(text)) {
        out << YAML::DoubleQuoted << text;
      } else {
        out << text;
      }
      break;
    }
    case rapidjson::kArrayType:
      out << YAML::BeginSeq;
      for (const auto& item : value.GetArray()) emit(out, item);
      out << YAML::EndSeq;
      break;
    case rapidjson::kObjectType:
      out << YAML::BeginMap;
      for (const auto& m : value.GetObject()) {
        out << YAML::Key << std::string(m.name.GetString(), m.name.GetStringLength()) << YAML::Value;
        emit(out, m.value);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string to_yaml(const rapidjson::Value& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace dlaunch::kubernetes
