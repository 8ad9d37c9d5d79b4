// Documents generated from the job's field table (sdk/include/dlaunch/job_fields.hpp), from which the schema
// stage reads specs too: the JSON Schema of job specs and the field reference of docs/job-document.md.
#ifndef DLAUNCH_CORE_JOB_SCHEMA_HPP_
#define DLAUNCH_CORE_JOB_SCHEMA_HPP_

#include <string>

namespace dlaunch {

// The JSON Schema (draft 2020-12) of job specs, for editors (`dlaunch schema`).
std::string job_json_schema();

// The field reference of docs/job-document.md (Markdown), which a test keeps equal to the file's section.
std::string job_fields_markdown();

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOB_SCHEMA_HPP_
