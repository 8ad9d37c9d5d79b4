#include <dlaunch/core/spec_loader.hpp>
#include <dlaunch/key_path.hpp>

#include "validation/stages.hpp"

#include <algorithm>
#include <tuple>

namespace dlaunch {

ValidationPipeline ValidationPipeline::for_spec_file() {
  ValidationPipeline p;
  p.add("parse", parse_stage)
      .add("overrides", overrides_stage)
      .add("sweep", sweep_stage)
      .add("schema", schema_stage)
      .add("arguments", arguments_stage)
      .add("semantics", semantics_stage);
  return p;
}

ValidationPipeline ValidationPipeline::for_built_job() {
  ValidationPipeline p;
  p.add("semantics", semantics_stage);
  return p;
}

ValidationPipeline& ValidationPipeline::add(std::string name, StageFn run) {
  stages_.push_back(Stage{std::move(name), std::move(run)});
  return *this;
}

void ValidationPipeline::run(ValidationContext& context) const {
  for (const auto& stage : stages_) {
    if (context.stop) break;
    stage.run(context);
  }
  if (context.tree) {
    for (auto& d : context.diagnostics) {
      if (!d.location.known() && !d.path.empty()) d.location = locate(*context.tree, d.path);
    }
  }
  // Sorted by position, so the output reads top to bottom like the file; unlocated ones keep their order.
  std::stable_sort(context.diagnostics.begin(), context.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    auto key = [](const Diagnostic& d) {
      return std::make_tuple(!d.location.known(), d.location.file, d.location.line, d.location.column);
    };
    return key(a) < key(b);
  });
}

namespace {

// A spec given as text (`run -`) has no file name to tell its format: it is JSON when it starts like a JSON
// object, which TOML never does.
SpecFormat spec_format_of_text(const std::string& text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{' ? SpecFormat::kJson : SpecFormat::kToml;
}

}  // namespace

void parse_stage(ValidationContext& context) {
  auto loaded = context.spec_text
                    ? parse_spec(*context.spec_text, spec_format_of_text(*context.spec_text), context.spec_file)
                    : load_spec_file(context.spec_file);
  if (!loaded) {
    context.unreadable = loaded.error().code == ErrorCode::kUnreadable;
    auto& found = loaded.error().diagnostics;
    context.diagnostics.insert(context.diagnostics.end(), found.begin(), found.end());
    context.stop = true;
    return;
  }
  context.tree = std::move(*loaded);
}

void overrides_stage(ValidationContext& context) {
  if (!context.tree || context.overrides.empty()) return;
  Diagnostics found = apply_overrides(*context.tree, context.overrides);
  context.diagnostics.insert(context.diagnostics.end(), found.begin(), found.end());
}

void sweep_stage(ValidationContext& context) {
  if (!context.tree || !context.tree->is_table()) return;
  const Value* table = context.tree->find("sweep");
  if (table == nullptr) return;
  Diagnostics found = read_sweep_table(*table, context.sweep);
  context.diagnostics.insert(context.diagnostics.end(), found.begin(), found.end());
  // What is left is one job: the schema knows no [sweep].
  context.tree->erase("sweep");
}

SourceLocation locate(const Value& tree, const std::string& path) {
  SourceLocation best = tree.location();
  const auto steps = sdk::KeyPath::parse(path);
  if (!steps) return best;
  const Value* current = &tree;
  for (const auto& step : *steps) {
    if (step.is_element()) {
      if (!current->is_array() || step.index >= current->items().size()) return best;
      current = &current->items()[step.index];
      if (current->location().known()) best = current->location();
    } else {
      const Value::Member* member = current->is_table() ? current->find_member(step.key) : nullptr;
      if (member == nullptr) return best;
      current = &member->value;
      best = current->location().known() ? current->location() : member->key_location;
    }
  }
  return best;
}

}  // namespace dlaunch
