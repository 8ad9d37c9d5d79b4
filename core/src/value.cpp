#include <dlaunch/core/value.hpp>

#include <algorithm>

namespace dlaunch {

Value::Value(Kind kind, SourceLocation where) : kind_(kind), location_(std::move(where)) {}

Value Value::boolean(bool b, SourceLocation where) {
  Value v(Kind::kBool, std::move(where));
  v.bool_ = b;
  return v;
}

Value Value::integer(int64_t i, SourceLocation where) {
  Value v(Kind::kInteger, std::move(where));
  v.integer_ = i;
  return v;
}

Value Value::floating(double d, SourceLocation where) {
  Value v(Kind::kFloat, std::move(where));
  v.float_ = d;
  return v;
}

Value Value::string(std::string s, SourceLocation where) {
  Value v(Kind::kString, std::move(where));
  v.string_ = std::move(s);
  return v;
}

const Value::Member* Value::find_member(std::string_view key) const {
  const auto it = std::ranges::find(members_, key, &Member::key);
  return it == members_.end() ? nullptr : &*it;
}

const Value* Value::find(std::string_view key) const {
  const Member* member = find_member(key);
  return member == nullptr ? nullptr : &member->value;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(std::as_const(*this).find(key));
}

Value& Value::set(std::string key, Value v, SourceLocation key_location) {
  const auto it = std::ranges::find(members_, key, &Member::key);
  if (it != members_.end()) {
    it->value = std::move(v);
    return it->value;
  }
  return append_member(std::move(key), std::move(v), std::move(key_location));
}

Value& Value::append_member(std::string key, Value v, SourceLocation key_location) {
  members_.push_back(Member{std::move(key), std::move(key_location), std::move(v)});
  return members_.back().value;
}

bool Value::erase(std::string_view key) {
  const auto it = std::ranges::find(members_, key, &Member::key);
  if (it == members_.end()) return false;
  members_.erase(it);
  return true;
}

const char* Value::kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "boolean";
    case Kind::kInteger: return "integer";
    case Kind::kFloat: return "float";
    case Kind::kString: return "string";
    case Kind::kArray: return "array";
    case Kind::kTable: return "table";
  }
  return "unknown";
}

}  // namespace dlaunch
