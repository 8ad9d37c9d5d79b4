// Byte offsets in a text to line:column, the way toml++ counts them (from 1, one column per code point), so
// JSON and TOML diagnostics point alike.
#ifndef DLAUNCH_CORE_SPEC_TEXT_POSITION_HPP_
#define DLAUNCH_CORE_SPEC_TEXT_POSITION_HPP_

#include <dlaunch/core/diagnostic.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::spec {

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // Where byte `offset` of the text is, in `file_name`. An offset at the end is just past the last character.
  // Locating offsets in ascending order costs time linear in the text, however long its lines (a JSON
  // document on one line); any order is correct. Not for concurrent use.
  SourceLocation locate(std::size_t offset, const FileName& file_name) const;

 private:
  std::string_view text_;
  std::vector<std::size_t> line_starts_;
  // The previous answer, where the next one's column count can resume.
  mutable std::size_t previous_line_start_ = 0;
  mutable std::size_t previous_offset_ = 0;
  mutable std::size_t previous_column_ = 1;
};

}  // namespace dlaunch::spec

#endif  // DLAUNCH_CORE_SPEC_TEXT_POSITION_HPP_
