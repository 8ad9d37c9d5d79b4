// The spec document tree: what a TOML or JSON job file loads into before it becomes a Job. Every node keeps
// where it came from, so every later stage can point at the exact line and column.
#ifndef DLAUNCH_CORE_VALUE_HPP_
#define DLAUNCH_CORE_VALUE_HPP_

#include <dlaunch/core/diagnostic.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dlaunch {

class Value {
 public:
  enum class Kind { kNull, kBool, kInteger, kFloat, kString, kArray, kTable };
  struct Member;  // a key of a table, with its own location, and its value

  Value() = default;
  // Functions that build or move a Value are defined after Member: clang instantiates what they use at
  // once, and needs Member complete for that.
  static Value null(SourceLocation where = {});
  static Value boolean(bool b, SourceLocation where = {});
  static Value integer(int64_t i, SourceLocation where = {});
  static Value floating(double d, SourceLocation where = {});
  static Value string(std::string s, SourceLocation where = {});
  static Value array(SourceLocation where = {});
  static Value table(SourceLocation where = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_integer() const { return kind_ == Kind::kInteger; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_number() const { return is_integer() || is_float(); }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_table() const { return kind_ == Kind::kTable; }

  bool as_bool() const { return bool_; }
  int64_t as_integer() const { return integer_; }
  double as_number() const { return is_integer() ? static_cast<double>(integer_) : float_; }
  const std::string& as_string() const { return string_; }

  const SourceLocation& location() const { return location_; }
  void set_location(SourceLocation where) { location_ = std::move(where); }

  // Arrays.
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }
  void push_back(Value v);

  // Tables keep their keys in file order.
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  const Member* find_member(std::string_view key) const;
  // Sets key to v (replacing an existing value, keeping its key location). Returns the stored value.
  Value& set(std::string key, Value v, SourceLocation key_location = {});
  // Adds a key the caller knows is not there yet, in constant time: for readers that already keep keys unique
  // (set() searches every key, which makes building a table of n keys quadratic).
  Value& append_member(std::string key, Value v, SourceLocation key_location = {});
  bool erase(std::string_view key);

  // "string", "integer", "float", "boolean", "array", "table", "null": for messages.
  static const char* kind_name(Kind kind);
  const char* kind_name() const { return kind_name(kind_); }

 private:
  Value(Kind kind, SourceLocation where);

  Kind kind_ = Kind::kNull;
  SourceLocation location_;
  bool bool_ = false;
  int64_t integer_ = 0;
  double float_ = 0;
  std::string string_;
  std::vector<Value> items_;
  std::vector<Member> members_;  // std::vector allows the incomplete Member here (C++17)
};

struct Value::Member {
  std::string key;
  SourceLocation key_location;
  Value value;
};

inline Value Value::null(SourceLocation where) { return Value(Kind::kNull, std::move(where)); }
inline Value Value::array(SourceLocation where) { return Value(Kind::kArray, std::move(where)); }
inline Value Value::table(SourceLocation where) { return Value(Kind::kTable, std::move(where)); }
inline void Value::push_back(Value v) { items_.push_back(std::move(v)); }

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_VALUE_HPP_
