// The stages of the validation pipeline (dlaunch/core/validation.hpp), each one function over the shared
// context, and what they share. Inside the core only: callers run a whole pipeline.
#ifndef DLAUNCH_CORE_SRC_VALIDATION_STAGES_HPP_
#define DLAUNCH_CORE_SRC_VALIDATION_STAGES_HPP_

#include <dlaunch/core/validation.hpp>

#include <set>
#include <string>

namespace dlaunch {

void parse_stage(ValidationContext& context);
void overrides_stage(ValidationContext& context);
void sweep_stage(ValidationContext& context);
void schema_stage(ValidationContext& context);
void arguments_stage(ValidationContext& context);
void semantics_stage(ValidationContext& context);

// The semantic rules on a job (paths only; locate() adds positions). Rules that read a value at one of the
// `unusable` paths (already reported as wrong by an earlier stage) are skipped.
Diagnostics check_semantics(const Job& job, const std::set<std::string>& unusable = {});

// Finds the location of a key path ("roles[1].resources.memory") in a tree; unknown when absent. When the
// exact key is missing, the nearest enclosing value's location is used.
SourceLocation locate(const Value& tree, const std::string& path);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_VALIDATION_STAGES_HPP_
