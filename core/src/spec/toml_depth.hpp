// How deep a TOML document nests, found before toml++ parses it. toml++ (3.x) limits the nesting of arrays
// and inline tables but not the tables that dotted keys and headers name ([a.b.c], a.b.c = 1), and walks
// what it built recursively (update_region_ends): a few MB of "a.a.a..." overflow the stack inside
// toml::parse. This scan refuses such a document first; it reads only as much TOML as that needs: comments,
// the four kinds of strings, headers, and where keys and values are.
#ifndef DLAUNCH_CORE_SPEC_TOML_DEPTH_HPP_
#define DLAUNCH_CORE_SPEC_TOML_DEPTH_HPP_

#include <cstddef>
#include <optional>
#include <string_view>

namespace dlaunch::spec {

// The byte offset of the first key, table or array that lies deeper than `max_depth` levels (a top-level
// key is level 1; "a.b" and "[a] b" are level 2; each array or inline table adds one). Nothing when none
// does. Linear in the text, in time and memory; malformed TOML is scanned as far as it reads like TOML.
std::optional<std::size_t> find_too_deep(std::string_view text, std::size_t max_depth);

}  // namespace dlaunch::spec

#endif  // DLAUNCH_CORE_SPEC_TOML_DEPTH_HPP_
