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

SourceLocation LineIndex::locate(std::size_t offset, const FileName& file_name) const {
  offset = std::min(offset, text_.size());
  const auto next_line = std::ranges::upper_bound(line_starts_, offset);
  const std::size_t line = static_cast<std::size_t>(next_line - line_starts_.begin());
  const std::size_t line_start = *(next_line - 1);
  // Columns are counted on from the previous answer when it was earlier on the same line.
  const bool from_previous = previous_line_start_ == line_start && previous_offset_ <= offset;
  const std::size_t counted_from = from_previous ? previous_offset_ : line_start;
  const std::string_view between = text_.substr(counted_from, offset - counted_from);
  const auto characters = static_cast<std::size_t>(std::ranges::count_if(between, starts_character));
  const std::size_t column = (from_previous ? previous_column_ : 1) + characters;
  previous_line_start_ = line_start;
  previous_offset_ = offset;
  previous_column_ = column;
  return SourceLocation{file_name, static_cast<uint32_t>(line), static_cast<uint32_t>(column)};
}

}  // namespace dlaunch::spec
