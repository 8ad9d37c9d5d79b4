// The default of each job field (job_fields.hpp) as JSON, read from the core's default-constructed structs,
// for the documents generated from the table: `dlaunch schema` and docs/job-document.md.
#ifndef DLAUNCH_CORE_MODEL_FIELD_DEFAULTS_HPP_
#define DLAUNCH_CORE_MODEL_FIELD_DEFAULTS_HPP_

#include <dlaunch/job_fields.hpp>

#include <span>
#include <string>

namespace dlaunch {

// The value a spec that leaves `field` (a row of `table`) out gets, as JSON ("1", "1.0", "\"CPU\""); empty
// when there is nothing to show (an empty string, table or list, or an unset value).
std::string default_json(std::span<const job_fields::Field> table, const job_fields::Field& field);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_MODEL_FIELD_DEFAULTS_HPP_
