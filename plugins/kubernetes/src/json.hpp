// Small RapidJSON helpers shared by the manifests, the API client and the status mapping.
#ifndef DLAUNCH_KUBERNETES_JSON_HPP_
#define DLAUNCH_KUBERNETES_JSON_HPP_

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace dlaunch::kubernetes::json {

using Value = rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

std::string write(const Value& value);  // compact JSON
// A null document when the text is not JSON or nests deeper than support::kMaxJsonNesting levels.
rapidjson::Document parse(std::string_view text);

// The member at a dotted path of object keys ("status.conditions"), or a null value.
const Value& at(const Value& value, std::string_view dotted_path);
std::string text(const Value& value, std::string_view dotted_path);  // "" unless a string
int64_t integer(const Value& value, std::string_view dotted_path, int64_t fallback = 0);
// One member of an object by its exact key (label keys have dots), "" unless a string.
std::string member(const Value& object, std::string_view key);

Value string(std::string_view text, Allocator& allocator);
// Sets object[name] = value, replacing an existing member.
void set(Value& object, std::string_view name, Value value, Allocator& allocator);

// RFC 7386 JSON merge patch: `patch` applied to `target` in place (null deletes, objects merge, the rest
// replaces).
void merge_patch(Value& target, const Value& patch, Allocator& allocator);

}  // namespace dlaunch::kubernetes::json

#endif  // DLAUNCH_KUBERNETES_JSON_HPP_
