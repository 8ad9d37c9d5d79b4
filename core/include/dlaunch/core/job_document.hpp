// The normalized job document: the JSON form of a Job that crosses the plugin ABI (schema version
// DLAUNCH_JOB_SCHEMA_VERSION, documented in docs/job-document.md). Defaults are filled in, paths are absolute,
// entrypoints are argv arrays, driver flags are explicit, and "platform" holds the target plugin's options.
#ifndef DLAUNCH_CORE_JOB_DOCUMENT_HPP_
#define DLAUNCH_CORE_JOB_DOCUMENT_HPP_

#include <dlaunch/core/job.hpp>
#include <dlaunch/core/platform.hpp>

#include <string>
#include <vector>

namespace dlaunch {

// The options of `platform_id` from the job, with the declared defaults filled in, as a JSON object.
std::string platform_options_json(const Job& job, const std::string& platform_id,
                                  const std::vector<PlatformOption>& declared);

// The same with every secret option's value replaced by "***", for printing and for the journal.
std::string redacted_options_json(const std::string& options_json, const std::vector<PlatformOption>& declared);

std::string job_document(const Job& job, const std::string& options_json);

// The document as it may be shown or kept: the secret options (redacted_options_json) and the environment
// variables whose names look secret (sdk::mask_secret_env) with "***" as their value. What the journal keeps,
// `dlaunch ui` shows and dl_job_document returns; never what a platform is handed.
std::string shown_job_document(const Job& job, const std::string& options_json,
                               const std::vector<PlatformOption>& declared);

// A Value as JSON.
std::string to_json(const Value& value);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOB_DOCUMENT_HPP_
