#include "job_details.hpp"

#include "job_translation.hpp"

#include <string.h>  // sigabbrev_np

#include <string>
#include <string_view>

namespace dlaunch::ray {
namespace {

// Ray's job supervisor appends the log's last 20,000 characters to a failed job's message after this.
constexpr std::string_view kLogTailIntro = ", last available logs";
// Every line the gang driver writes itself starts with this (replicas' lines with [role/rank]).
constexpr std::string_view kDriverPrefix = "[dlaunch] ";

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

std::string signal_name(int signal) {
  const char* abbreviation = sigabbrev_np(signal);
  return abbreviation != nullptr ? std::string("SIG") + abbreviation : "signal " + std::to_string(signal);
}

// The last line of `text`, without its newline.
std::string_view last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  auto start = text.rfind('\n');
  return start == std::string_view::npos ? text : text.substr(start + 1);
}

// Who Ray's entrypoint process is: the gang driver, or the one replica of a one-replica job ("main/0" when
// dlaunch.roles is "main:1").
std::string entrypoint_process(bool gang, const std::string& roles) {
  if (gang) return "dlaunch's gang driver";
  if (roles.ends_with(":1") && roles.find(',') == std::string::npos) return roles.substr(0, roles.size() - 2) + "/0";
  return "the entrypoint";
}

std::string failure_message(const std::string& message, bool gang, const std::string& roles,
                            std::optional<int>& exit_code) {
  if (exit_code && *exit_code < 0) {
    const int signal = -*exit_code;
    exit_code = 128 + signal;
    return entrypoint_process(gang, roles) + " was killed by " + signal_name(signal);
  }
  auto tail_at = message.find(kLogTailIntro);
  if (tail_at == std::string::npos) return message;
  if (gang) {
    // The driver says how the job ended as its very last line; anything after it (a traceback) means it
    // did not get to say it.
    std::string_view last = last_line(std::string_view(message).substr(tail_at));
    if (last.starts_with(kDriverPrefix)) return std::string(last.substr(kDriverPrefix.size()));
  }
  return message.substr(0, tail_at);
}

const rapidjson::Value* metadata_of(const rapidjson::Value& details) {
  auto it = details.FindMember("metadata");
  return it != details.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

}  // namespace

bool runs_gang_driver(const rapidjson::Value& details) {
  return string_member(details, "entrypoint").find(std::string("-m ") + kDriverModule) != std::string::npos;
}

std::string driver_job_id(const rapidjson::Value& details) { return string_member(details, "job_id"); }

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
  const rapidjson::Value* metadata = metadata_of(details);
  status.submitted_by_dlaunch = metadata != nullptr && metadata->HasMember(kMetaSubmission);
  status.name = metadata != nullptr ? string_member(*metadata, kMetaJob) : "";
  if (status.name.empty()) status.name = status.native_id;
  if (status.state == DLAUNCH_STATE_FAILED) {
    std::string roles = metadata != nullptr ? string_member(*metadata, kMetaRoles) : "";
    status.message = failure_message(status.message, runs_gang_driver(details), roles, status.exit_code);
  }
  return status;
}

bool is_terminal(int32_t state) {
  return state == DLAUNCH_STATE_SUCCEEDED || state == DLAUNCH_STATE_FAILED || state == DLAUNCH_STATE_STOPPED;
}

}  // namespace dlaunch::ray
