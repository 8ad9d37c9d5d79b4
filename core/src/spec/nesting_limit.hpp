// How deeply a job spec may nest, in either format: toml++'s own limit for arrays and inline tables
// (TOML_MAX_NESTED_VALUES), applied to JSON and to TOML's dotted keys and headers too, so that no file can
// drive a parser's (or a destructor's) recursion into the stack.
#ifndef DLAUNCH_CORE_SPEC_NESTING_LIMIT_HPP_
#define DLAUNCH_CORE_SPEC_NESTING_LIMIT_HPP_

#include <cstddef>
#include <string>
#include <string_view>

namespace dlaunch::spec {

inline constexpr std::size_t kMaxNesting = 256;

// "arrays and objects nested deeper than 256 levels", with the format's word for a table.
inline std::string nested_too_deep(std::string_view tables) {
  return "arrays and " + std::string(tables) + " nested deeper than " + std::to_string(kMaxNesting) + " levels";
}

}  // namespace dlaunch::spec

#endif  // DLAUNCH_CORE_SPEC_NESTING_LIMIT_HPP_
