#include "spec/toml_reader.hpp"

#include <dlaunch/key_path.hpp>

#include "spec/nesting_limit.hpp"
#include "spec/parser_message.hpp"
#include "spec/spec_error.hpp"
#include "spec/text_position.hpp"
#include "spec/toml_depth.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

namespace dlaunch::spec {

namespace {

class TomlConverter {
 public:
  explicit TomlConverter(const std::string& file_name) : file_name_(file_name) {}

  Value convert(const toml::node& node, const sdk::KeyPath& path) {
    const SourceLocation at = locate(node.source());
    switch (node.type()) {
      case toml::node_type::table: return convert_table(*node.as_table(), path);
      case toml::node_type::array: {
        Value array = Value::array(at);
        const toml::array& items = *node.as_array();
        for (std::size_t i = 0; i < items.size(); ++i) array.push_back(convert(items[i], path.element(i)));
        return array;
      }
      case toml::node_type::string: return Value::string(std::string(node.as_string()->get()), at);
      case toml::node_type::integer: return Value::integer(node.as_integer()->get(), at);
      case toml::node_type::floating_point: return Value::floating(node.as_floating_point()->get(), at);
      case toml::node_type::boolean: return Value::boolean(node.as_boolean()->get(), at);
      case toml::node_type::date:
      case toml::node_type::time:
      case toml::node_type::date_time:
      case toml::node_type::none: break;
    }
    diagnostics_.push_back(spec_error(at, "dates and times are not supported in a job spec", path,
                                      "quote the value to make it a string"));
    return Value::null(at);
  }

  Diagnostics take_diagnostics() { return std::move(diagnostics_); }

 private:
  // toml::table is ordered by key name; members are sorted back into file order by where their keys start.
  // Its keys are unique, so they are appended without a search.
  Value convert_table(const toml::table& table, const sdk::KeyPath& path) {
    std::vector<std::pair<const toml::key*, const toml::node*>> members;
    for (auto&& [key, node] : table) members.emplace_back(&key, &node);
    std::ranges::sort(members, {}, [](const auto& member) {
      const toml::source_position& begin = member.first->source().begin;
      return std::tuple(begin.line, begin.column);
    });
    Value result = Value::table(locate(table.source()));
    result.members().reserve(members.size());
    for (const auto& [key, node] : members) {
      result.append_member(std::string(key->str()), convert(*node, path.member(key->str())),
                 locate(key->source()));
    }
    return result;
  }

  SourceLocation locate(const toml::source_region& region) const {
    return SourceLocation{file_name_, region.begin.line, region.begin.column};
  }

  const FileName file_name_;  // shared by every location
  Diagnostics diagnostics_;
};

}  // namespace

std::expected<Value, Diagnostics> read_toml(std::string_view text, const std::string& file_name) {
  if (const auto too_deep = find_too_deep(text, kMaxNesting)) {
    return std::unexpected(
        Diagnostics{spec_error(LineIndex(text).locate(*too_deep, file_name), nested_too_deep("tables"))});
  }
  toml::table document;
  try {
    document = toml::parse(text, std::string_view(file_name));
  } catch (const toml::parse_error& error) {
    const toml::source_position& at = error.source().begin;
    return std::unexpected(
        Diagnostics{spec_error(SourceLocation{file_name, at.line, at.column}, parser_message(error.description()))});
  }
  TomlConverter converter(file_name);
  Value root = converter.convert(document, sdk::KeyPath());
  // The root table has no header of its own; it starts where the file does.
  root.set_location(SourceLocation{file_name, 1, 1});
  Diagnostics diagnostics = converter.take_diagnostics();
  if (!diagnostics.empty()) return std::unexpected(std::move(diagnostics));
  return root;
}

}  // namespace dlaunch::spec
