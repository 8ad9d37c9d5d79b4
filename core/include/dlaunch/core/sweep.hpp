// Sweeps: one spec run as the cartesian product of parameter values, one job per combination.
//
// The parameters come from the spec's [sweep] table (key = [values]) and from `--sweep KEY=V1,V2,...` (which
// replaces the table's values of the same key). A key is either
//   - an environment variable name (`lr`): every process of the job gets it upper-cased (LR=0.001), or
//   - a spec path with dots (`roles.trainer.replicas`): set in the job, exactly as --set would.
// Job i of sweep ID is named "<job>-<i>" and labelled sweep=ID, sweep_index=i and one label per parameter
// (its key, dots as '_'), but a secret one (SweepParameter::secret). Its submission id is
// "dlaunch-sweep.ID-i" (at most 63 characters, as a platform may use it as a label's value): the journal
// finds a sweep's jobs by it, and `sweep:ID` names them all on the command line.
#ifndef DLAUNCH_CORE_SWEEP_HPP_
#define DLAUNCH_CORE_SWEEP_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {

// The platform part of a sweep's handle, "sweep:ID": no platform may have this id.
inline constexpr std::string_view kSweepHandlePlatform = "sweep";
// More jobs than this in one sweep is almost surely a mistake in its values.
inline constexpr std::size_t kMaxSweepJobs = 1000;

struct SweepValue {
  std::string text;  // what the environment and the labels get: "0.001", "adam"
  std::string toml;  // what a spec path gets, as a --set value: "0.001", "\"adam\""
  SourceLocation location;  // in the spec, or in the --sweep option
};

struct SweepParameter {
  std::string key;
  std::vector<SweepValue> values;
  SourceLocation location;  // of the key: in the spec, or "<sweep N>" for the Nth --sweep
  // The values are secrets: a job gets its value, but no label of it, and SweepPoint::values says "***".
  bool secret = false;
};

// One job of a sweep: its index and one value per parameter, in the parameters' order.
struct SweepPoint {
  std::size_t index = 0;
  std::vector<std::pair<std::string, std::string>> values;  // key, text ("***" for a secret parameter)
  std::vector<std::string> overrides;                        // the --set values that make the job
  std::vector<SourceLocation> sources;                       // where each override's value comes from
};

// Reads a spec's [sweep] table: a non-empty table of non-empty arrays of strings, numbers or booleans. Problems are
// located at the offending key or value.
Diagnostics read_sweep_table(const Value& table, std::vector<SweepParameter>& out);

// Reads --sweep KEY=V1,V2,... options in order; a key given again, or given in the spec, takes these values.
Diagnostics read_sweep_options(const std::vector<std::string>& options, std::vector<SweepParameter>& out);

// Checks the product's size (at most kMaxSweepJobs) and returns every combination, the first parameter's value
// changing slowest, with the overrides that make job i of sweep `sweep_id` from the job named `base_name`.
std::vector<SweepPoint> expand_sweep(const std::vector<SweepParameter>& parameters, const std::string& base_name,
                                     const std::string& sweep_id, Diagnostics& problems);

// "dlaunch-sweep.ID-i", and back: the sweep id of a submission id, when it is one of a sweep's.
std::string sweep_submission_id(const std::string& sweep_id, std::size_t index);
std::optional<std::string> sweep_of_submission(std::string_view submission_id);
// The handle "sweep:ID" that names sweep `sweep_id`'s jobs together.
std::string sweep_handle(const std::string& sweep_id);
// The common start of the submission ids of sweep `sweep_id`'s jobs.
std::string sweep_submission_prefix(const std::string& sweep_id);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SWEEP_HPP_
