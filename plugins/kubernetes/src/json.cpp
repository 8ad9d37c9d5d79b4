#include "json.hpp"

#include <dlaunch_support/json.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace dlaunch::kubernetes::json {

std::string write(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

rapidjson::Document parse(std::string_view text) {
  rapidjson::Document doc;
  if (!support::parse_json(doc, text).empty()) doc.SetNull();
  return doc;
}

const Value& at(const Value& value, std::string_view dotted_path) {
  static const Value null_value;
  const Value* current = &value;
  while (!dotted_path.empty()) {
    auto dot = dotted_path.find('.');
    std::string_view key = dotted_path.substr(0, dot);
    if (!current->IsObject()) return null_value;
    auto it = current->FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
    if (it == current->MemberEnd()) return null_value;
    current = &it->value;
    dotted_path = dot == std::string_view::npos ? std::string_view() : dotted_path.substr(dot + 1);
  }
  return *current;
}

std::string text(const Value& value, std::string_view dotted_path) {
  const Value& v = at(value, dotted_path);
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : std::string();
}

int64_t integer(const Value& value, std::string_view dotted_path, int64_t fallback) {
  const Value& v = at(value, dotted_path);
  return v.IsInt64() ? v.GetInt64() : fallback;
}

std::string member(const Value& object, std::string_view key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  return it != object.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                          : std::string();
}

Value string(std::string_view text, Allocator& allocator) {
  return Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

void set(Value& object, std::string_view name, Value value, Allocator& allocator) {
  auto it = object.FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
  if (it != object.MemberEnd()) {
    it->value = std::move(value);
  } else {
    object.AddMember(string(name, allocator), std::move(value), allocator);
  }
}

void merge_patch(Value& target, const Value& patch, Allocator& allocator) {
  if (!patch.IsObject()) {
    target.CopyFrom(patch, allocator);
    return;
  }
  if (!target.IsObject()) target.SetObject();
  for (const auto& m : patch.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (m.value.IsNull()) {
      target.RemoveMember(m.name);
      continue;
    }
    auto it = target.FindMember(m.name);
    if (it == target.MemberEnd()) {
      Value fresh(rapidjson::kNullType);
      merge_patch(fresh, m.value, allocator);
      target.AddMember(string(name, allocator), std::move(fresh), allocator);
    } else {
      merge_patch(it->value, m.value, allocator);
    }
  }
}

}  // namespace dlaunch::kubernetes::json
