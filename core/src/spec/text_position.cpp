#include "spec/text_position.hpp"

#include <algorithm>

namespace dlaunch::spec {

namespace {

// UTF-8 continuation bytes (10xxxxxx) do not start a character.
bool starts_character(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) != 0x80; }

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text), line_starts_{0} {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourceLocation LineIndex::locate(std::size_t offset, const std::string& file_name) const {
  offset = std::min(offset, text_.size());
  const auto next_line = std::ranges::upper_bound(line_starts_, offset);
  const std::size_t line = static_cast<std::size_t>(next_line - line_starts_.begin());
  const std::string_view before = text_.substr(*(next_line - 1), offset - *(next_line - 1));
  const auto characters = std::ranges::count_if(before, starts_character);
  return SourceLocation{file_name, static_cast<uint32_t>(line), static_cast<uint32_t>(characters + 1)};
}

}  // namespace dlaunch::spec
