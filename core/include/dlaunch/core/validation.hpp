// The validation pipeline: an ordered list of named stages, each adding diagnostics, all reported together.
//
//   parse      the spec file into a located Value tree (spec_loader.hpp)
//   overrides  --set KEY=VALUE applied to the tree
//   sweep      the [sweep] table checked and taken out of the tree (sweep.hpp); the rest is one job
//   schema     types, required keys, unknown keys (with did-you-mean); builds the Job
//   arguments  `dlaunch run SPEC -- ARGS...` appended to the driver role's entrypoint
//   semantics  rules across fields: names, counts, memory units, GPU arithmetic, env names
//   platform   the platform's declared options, then the plugin's own check through the ABI
//
// Stages after a failed parse do not run; every other stage runs, so the user sees every problem at once.
#ifndef DLAUNCH_CORE_VALIDATION_HPP_
#define DLAUNCH_CORE_VALIDATION_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/job.hpp>
#include <dlaunch/core/plugin_option.hpp>
#include <dlaunch/core/sweep.hpp>
#include <dlaunch/core/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch {

// What the stages share.
struct ValidationContext {
  std::string spec_file;                // empty for jobs built in code; the name in locations ("<stdin>")
  std::optional<std::string> spec_text; // the spec itself when it is not read from spec_file (`run -`)
  std::vector<std::string> driver_args; // `run SPEC -- ARGS...`, for the driver role's entrypoint
  std::vector<std::string> overrides;   // --set KEY=VALUE, in order
  std::string platform_override;        // -p
  std::optional<Value> tree;            // after parse
  std::vector<SweepParameter> sweep;    // the spec's [sweep] table, after the sweep stage
  std::optional<Job> job;               // after schema (or given, for jobs built in code)
  Diagnostics diagnostics;
  bool unreadable = false;              // the spec file could not be read (exit 66, not 65)
  bool stop = false;                    // a stage found the input unusable for later stages
};

class ValidationPipeline {
 public:
  using StageFn = std::function<void(ValidationContext&)>;
  struct Stage {
    std::string name;
    StageFn run;
  };

  // The file pipeline: parse, overrides, sweep, schema, arguments, semantics. Append the platform stage (orchestrator).
  static ValidationPipeline for_spec_file();
  // The in-code pipeline: semantics only. Append the platform stage.
  static ValidationPipeline for_built_job();

  ValidationPipeline& add(std::string name, StageFn run);
  const std::vector<Stage>& stages() const { return stages_; }

  // Runs the stages in order, then gives every diagnostic without a location the location of its key path
  // in the tree (when there is one) and sorts them by position.
  void run(ValidationContext& context) const;

 private:
  std::vector<Stage> stages_;
};

// True when `value` is of the option type `type`.
bool option_value_matches(const Value& value, OptionType type);
// Checks a [platform.<id>] table (nullptr when absent) against the options the plugin declares.
Diagnostics check_platform_options(const Value* table, const std::string& platform_id,
                                   const std::vector<PlatformOption>& declared);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_VALIDATION_HPP_
