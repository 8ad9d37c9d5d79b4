// TOML text to a located Value tree, through toml++ (which records where every key and value starts).
#ifndef DLAUNCH_CORE_SPEC_TOML_READER_HPP_
#define DLAUNCH_CORE_SPEC_TOML_READER_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/value.hpp>

#include <expected>
#include <string>
#include <string_view>

namespace dlaunch::spec {

// Table members keep file order. toml++ stops at the first syntax error, so a failure holds one located
// diagnostic; unsupported values (dates and times) are all reported.
std::expected<Value, Diagnostics> read_toml(std::string_view text, const std::string& file_name);

}  // namespace dlaunch::spec

#endif  // DLAUNCH_CORE_SPEC_TOML_READER_HPP_
