// JSON text to a located Value tree. RapidJSON's DOM forgets where values were, so this drives its SAX
// Reader over a stream that remembers where each token starts.
#ifndef DLAUNCH_CORE_SPEC_JSON_READER_HPP_
#define DLAUNCH_CORE_SPEC_JSON_READER_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/value.hpp>

#include <expected>
#include <string>
#include <string_view>

namespace dlaunch::spec {

// The document must be an object. Numbers without a fraction or exponent are integers. Duplicate keys and
// integers beyond 64 bits signed are located errors, reported together with a syntax error if one follows.
std::expected<Value, Diagnostics> read_json(std::string_view text, const std::string& file_name);

}  // namespace dlaunch::spec

#endif  // DLAUNCH_CORE_SPEC_JSON_READER_HPP_
