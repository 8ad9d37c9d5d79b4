// How a dlaunch job maps onto one Ray job: the body of POST /api/jobs/.
//
// A job with one role of one replica (and no restarts, start_timeout or torchrun) runs its entrypoint directly
// as the Ray job's entrypoint. Any other job runs dlaunch's gang driver (driver/dlaunch_ray_driver, shipped as a py_modules package), which reads
// its plan from the DLAUNCH_RAY_PLAN environment variable and starts one Ray actor per replica.
#ifndef DLAUNCH_RAY_JOB_TRANSLATION_HPP_
#define DLAUNCH_RAY_JOB_TRANSLATION_HPP_

#include "options.hpp"
#include "server_version.hpp"

#include <dlaunch/job_document.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::ray {

inline constexpr const char* kDriverModule = "dlaunch_ray_driver";
inline constexpr const char* kPlanVariable = "DLAUNCH_RAY_PLAN";

// Metadata keys that mark a Ray job as dlaunch's (list shows those first) and describe it.
inline constexpr const char* kMetaJob = "dlaunch.job";
inline constexpr const char* kMetaSubmission = "dlaunch.submission_id";
inline constexpr const char* kMetaVersion = "dlaunch.plugin_version";
inline constexpr const char* kMetaRoles = "dlaunch.roles";

// True unless the job is one role with one replica that asks for nothing only the driver does (restarts,
// a start_timeout, torchrun).
bool needs_gang_driver(const sdk::Job& job);

// The Ray submission id for the host's submission id: the id, starting with "dlaunch-" (added when missing)
// so that Ray's own tools show whose job it is, with any character that is unsafe in Ray's file and actor
// names replaced by '_'.
std::string ray_submission_id(std::string_view host_submission_id);

// True when the options already point runtime_env.working_dir at a remote URI, so the local working_dir
// is not packaged.
bool has_remote_working_dir(const RayOptions& options);

struct SubmitInputs {
  const sdk::Job* job = nullptr;
  const RayOptions* options = nullptr;
  std::string ray_id;
  std::string host_submission_id;
  std::string plugin_version;
  ServerVersion server;
  std::string working_dir_uri;  // gcs://... of the uploaded working_dir, or empty
  std::string driver_uri;       // gcs://... of the gang driver package, when needs_gang_driver
};

struct SubmitBody {
  std::string json;  // compact, as sent
  std::string pretty_json;  // indented, for dry runs
  std::vector<std::string> left_out;  // fields this server is too old for, one sentence each
};

SubmitBody build_submit_body(const SubmitInputs& inputs);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_JOB_TRANSLATION_HPP_
