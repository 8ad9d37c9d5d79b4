// The JSON Schema (draft 2020-12) of the job spec, for editors (`dlaunch schema`). It describes the same
// keys the schema stage accepts; a unit test keeps the two in step.
#ifndef DLAUNCH_CORE_JOB_SCHEMA_HPP_
#define DLAUNCH_CORE_JOB_SCHEMA_HPP_

#include <string_view>

namespace dlaunch {

std::string_view job_json_schema();

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOB_SCHEMA_HPP_
