// "file:line:col" of a location, so tests compare where a value is in one readable assertion.
#ifndef DLAUNCH_TESTS_UNIT_LOCATION_TEXT_HPP_
#define DLAUNCH_TESTS_UNIT_LOCATION_TEXT_HPP_

#include <dlaunch/core/diagnostic.hpp>

#include <string>

namespace dlaunch::test {

inline std::string location_text(const SourceLocation& at) {
  return at.file.str() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_UNIT_LOCATION_TEXT_HPP_
