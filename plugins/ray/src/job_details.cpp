#include "job_details.hpp"

#include "job_translation.hpp"

#include <string>
#include <string_view>

namespace dlaunch::ray {
namespace {

std::string string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int64_t time_member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

int32_t state_of(std::string_view ray_status) {
  if (ray_status == "PENDING") return DLAUNCH_STATE_PENDING;
  if (ray_status == "RUNNING") return DLAUNCH_STATE_RUNNING;
  if (ray_status == "SUCCEEDED") return DLAUNCH_STATE_SUCCEEDED;
  if (ray_status == "FAILED") return DLAUNCH_STATE_FAILED;
  if (ray_status == "STOPPED") return DLAUNCH_STATE_STOPPED;
  return DLAUNCH_STATE_UNKNOWN;
}

}  // namespace

sdk::JobStatus to_job_status(const rapidjson::Value& details) {
  sdk::JobStatus status;
  if (!details.IsObject()) return status;
  // Submission jobs are known by their submission_id; plain `ray.init` drivers only by their job_id.
  status.native_id = string_member(details, "submission_id");
  if (status.native_id.empty()) status.native_id = string_member(details, "job_id");
  status.native_state = string_member(details, "status");
  status.state = state_of(status.native_state);
  status.message = string_member(details, "message");
  if (auto it = details.FindMember("driver_exit_code"); it != details.MemberEnd() && it->value.IsInt()) {
    status.exit_code = it->value.GetInt();
  }
  status.start_time_ms = time_member(details, "start_time");
  status.end_time_ms = time_member(details, "end_time");
  const rapidjson::Value* metadata = nullptr;
  if (auto it = details.FindMember("metadata"); it != details.MemberEnd() && it->value.IsObject()) {
    metadata = &it->value;
  }
  status.submitted_by_dlaunch = metadata != nullptr && metadata->HasMember(kMetaSubmission);
  status.name = metadata != nullptr ? string_member(*metadata, kMetaJob) : "";
  if (status.name.empty()) status.name = status.native_id;
  return status;
}

bool is_terminal(int32_t state) {
  return state == DLAUNCH_STATE_SUCCEEDED || state == DLAUNCH_STATE_FAILED || state == DLAUNCH_STATE_STOPPED;
}

}  // namespace dlaunch::ray
