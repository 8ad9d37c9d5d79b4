#include "job_record.hpp"

#include <dlaunch_support/json.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

namespace dlaunch::slurm {
namespace {

constexpr std::string_view kCommentPrefix = "dlaunch ";

// A record that is no object has no fields (and FindMember on it is undefined behaviour).
std::string string_field(const rapidjson::Value& record, const char* name) {
  if (!record.IsObject()) return {};
  auto found = record.FindMember(name);
  return found != record.MemberEnd() && found->value.IsString() ? found->value.GetString() : std::string();
}

int64_t integer_field(const rapidjson::Value& record, const char* name) {
  if (!record.IsObject()) return 0;
  auto found = record.FindMember(name);
  return found != record.MemberEnd() && found->value.IsInt64() ? found->value.GetInt64() : 0;
}

// A time field of Slurm's (Unix seconds); 0 (unknown) for one no real time can be, which a broken or hostile
// server may send: times are then safe to subtract and to turn into milliseconds.
int64_t time_field(const rapidjson::Value& record, const char* name) {
  const int64_t seconds = integer_field(record, name);
  constexpr int64_t kLatest = std::numeric_limits<int64_t>::max() / 1000;
  return seconds > 0 && seconds <= kLatest ? seconds : 0;
}

int64_t time_ms_field(const rapidjson::Value& record, const char* name) { return time_field(record, name) * 1000; }

// Slurm's reason code (a CamelCase word; "None" means there is none), with its description if any.
std::string reason_of(const rapidjson::Value& record) {
  std::string reason = string_field(record, "state_reason");
  if (reason == "None") reason.clear();
  std::string description = string_field(record, "state_description");
  if (!description.empty()) reason += (reason.empty() ? "" : ": ") + description;
  return reason;
}

std::string joined(const std::string& first, const std::string& second) {
  return first.empty() ? second : first + ": " + second;
}

// Why the job is where it is, in Slurm's words, with what its codes alone leave unsaid: that a cancelled job
// never started, where a launch failed, which signal killed a task (Slurm's wait status has it; the batch
// script's exit code only says 128 + its number).
std::string message_of(const rapidjson::Value& record, int32_t state, const std::string& native_state) {
  std::string reason = reason_of(record);
  std::string word = native_state.substr(0, native_state.find_first_of(" +,"));
  std::string host = string_field(record, "batch_host");
  if (state == DLAUNCH_STATE_STOPPED && host.empty()) {
    return "cancelled while pending" + (reason.empty() ? "" : " (" + reason + ")");
  }
  if (word == "FAILED" && string_field(record, "state_reason") == "JobLaunchFailure") {
    return joined(reason, "the batch script could not start on " + (host.empty() ? "its node" : host) +
                              " (slurmd's log there says why; often a working_dir or output_dir the job's "
                              "user cannot use)");
  }
  if (word == "FAILED") {
    if (auto signal = signal_of(integer_field(record, "derived_exit_code"))) {
      return joined(reason, "a task was killed by " + signal_name(*signal));
    }
  }
  return reason;
}

}  // namespace

std::string dlaunch_comment(const std::string& submission_id, const sdk::StringMap& labels, int64_t start_timeout) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("submission");
  w.String(submission_id.c_str());
  w.Key("labels");
  w.StartObject();
  for (const auto& [name, value] : labels) {
    w.Key(name.c_str());
    w.String(value.c_str());
  }
  w.EndObject();
  if (start_timeout > 0) {
    w.Key("start_timeout");
    w.Int64(start_timeout);
  }
  w.EndObject();
  return std::string(kCommentPrefix) + buffer.GetString();
}

bool is_dlaunch_comment(const std::string& comment) { return comment.starts_with(kCommentPrefix); }

int64_t start_timeout_of(const std::string& comment) {
  if (!is_dlaunch_comment(comment)) return 0;
  rapidjson::Document mark;
  (void)support::parse_json(mark, comment.c_str() + kCommentPrefix.size());
  return mark.IsObject() ? integer_field(mark, "start_timeout") : 0;
}

std::string submission_of(const std::string& comment) {
  if (!is_dlaunch_comment(comment)) return "";
  rapidjson::Document mark;
  (void)support::parse_json(mark, comment.c_str() + kCommentPrefix.size());
  return mark.IsObject() ? string_field(mark, "submission") : "";
}

int32_t state_of(const std::string& slurm_state) {
  // A state may carry flags after it in some versions ("CANCELLED by 0", "RUNNING+..."): the word counts.
  std::string_view word(slurm_state);
  word = word.substr(0, word.find_first_of(" +,"));
  static constexpr std::array<std::pair<std::string_view, int32_t>, 21> kStates{{
      {"PENDING", DLAUNCH_STATE_PENDING},       {"CONFIGURING", DLAUNCH_STATE_PENDING},
      {"REQUEUED", DLAUNCH_STATE_PENDING},      {"REQUEUE_HOLD", DLAUNCH_STATE_PENDING},
      {"REQUEUE_FED", DLAUNCH_STATE_PENDING},   {"RESV_DEL_HOLD", DLAUNCH_STATE_PENDING},
      {"SUSPENDED", DLAUNCH_STATE_PENDING},     {"RUNNING", DLAUNCH_STATE_RUNNING},
      {"COMPLETING", DLAUNCH_STATE_RUNNING},    {"STAGE_OUT", DLAUNCH_STATE_RUNNING},
      {"SIGNALING", DLAUNCH_STATE_RUNNING},     {"RESIZING", DLAUNCH_STATE_RUNNING},
      {"COMPLETED", DLAUNCH_STATE_SUCCEEDED},   {"CANCELLED", DLAUNCH_STATE_STOPPED},
      {"FAILED", DLAUNCH_STATE_FAILED},         {"TIMEOUT", DLAUNCH_STATE_FAILED},
      {"OUT_OF_MEMORY", DLAUNCH_STATE_FAILED},  {"NODE_FAIL", DLAUNCH_STATE_FAILED},
      {"BOOT_FAIL", DLAUNCH_STATE_FAILED},      {"DEADLINE", DLAUNCH_STATE_FAILED},
      {"PREEMPTED", DLAUNCH_STATE_FAILED},
  }};
  for (const auto& [name, state] : kStates) {
    if (name == word) return state;
  }
  return DLAUNCH_STATE_UNKNOWN;
}

bool is_terminal(int32_t state) {
  return state == DLAUNCH_STATE_SUCCEEDED || state == DLAUNCH_STATE_FAILED || state == DLAUNCH_STATE_STOPPED;
}

std::optional<int32_t> exit_code_of(int64_t wait_status) {
  if (signal_of(wait_status)) return std::nullopt;
  return static_cast<int32_t>((wait_status >> 8) & 0xff);
}

std::optional<int32_t> signal_of(int64_t wait_status) {
  if ((wait_status & 0x7f) == 0) return std::nullopt;
  return static_cast<int32_t>(wait_status & 0x7f);
}

std::string signal_name(int32_t signal) {
  const char* abbreviation = sigabbrev_np(signal);
  return abbreviation != nullptr ? "SIG" + std::string(abbreviation) : "signal " + std::to_string(signal);
}

bool script_started(const rapidjson::Value& record) {
  return !string_field(record, "batch_host").empty() && string_field(record, "state_reason") != "JobLaunchFailure";
}

std::string instance_key(const rapidjson::Value& record) {
  return string_field(record, "cluster") + "." + std::to_string(integer_field(record, "job_id")) + "." +
         std::to_string(integer_field(record, "submit_time"));
}

// A job that never started (no node took it, no requeue) and pended for start_timeout or longer: pending still
// (the caller cancels it), or cancelled after that time (by dlaunch, or by its user too late).
bool start_timed_out(const rapidjson::Value& record, int32_t state, int64_t now) {
  const int64_t timeout = start_timeout_of(string_field(record, "comment"));
  if (timeout <= 0 || !string_field(record, "batch_host").empty() || integer_field(record, "restart_cnt") != 0) {
    return false;
  }
  if (state == DLAUNCH_STATE_PENDING) return now - time_field(record, "submit_time") >= timeout;
  return state == DLAUNCH_STATE_STOPPED && time_field(record, "end_time") - time_field(record, "submit_time") >= timeout;
}

sdk::JobStatus job_status(const rapidjson::Value& record, int64_t now) {
  sdk::JobStatus status;
  status.native_id = std::to_string(integer_field(record, "job_id"));
  status.name = string_field(record, "name");
  status.native_state = string_field(record, "job_state");
  status.state = state_of(status.native_state);
  status.message = message_of(record, status.state, status.native_state);
  status.restarts = static_cast<uint32_t>(integer_field(record, "restart_cnt"));
  status.submitted_by_dlaunch = is_dlaunch_comment(string_field(record, "comment"));
  if (start_timed_out(record, status.state, now)) {
    const bool pending = status.state == DLAUNCH_STATE_PENDING;
    std::string reason = reason_of(record);
    status.state = DLAUNCH_STATE_FAILED;
    status.message = "did not start within start_timeout (" +
                     std::to_string(start_timeout_of(string_field(record, "comment"))) + "s)" +
                     (reason.empty() ? "" : ": Slurm's reason: " + reason);
    status.end_time_ms = pending ? now * 1000 : time_ms_field(record, "end_time");
    return status;
  }
  // A pending job's start_time is Slurm's estimate, and one cancelled while pending gets the time it was
  // cancelled: only a job a node took has started.
  if (status.state != DLAUNCH_STATE_PENDING && !string_field(record, "batch_host").empty()) {
    status.start_time_ms = time_ms_field(record, "start_time");
  }
  if (is_terminal(status.state)) {
    status.end_time_ms = time_ms_field(record, "end_time");
    auto code = exit_code_of(integer_field(record, "exit_code"));
    // A job that failed with code 0 (NODE_FAIL, TIMEOUT...) has no exit code of its own.
    if (code && (status.state == DLAUNCH_STATE_SUCCEEDED || *code != 0)) status.exit_code = code;
  }
  return status;
}

bool needs_cancel(const sdk::JobStatus& status) {
  return status.state == DLAUNCH_STATE_FAILED && state_of(status.native_state) == DLAUNCH_STATE_PENDING;
}

std::string output_path(const rapidjson::Value& record) {
  std::string pattern = string_field(record, "standard_output");
  std::string path;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      path += pattern[i];
      continue;
    }
    switch (pattern[++i]) {
      case 'j': path += std::to_string(integer_field(record, "job_id")); break;
      case 'x': path += string_field(record, "name"); break;
      case 'u': path += string_field(record, "user_name"); break;
      case '%': path += '%'; break;
      default: path += '%'; path += pattern[i];
    }
  }
  return path;
}

const rapidjson::Value& single_record(const rapidjson::Document& answer, const std::string& job_id) {
  auto jobs = answer.IsObject() ? answer.FindMember("jobs") : rapidjson::Value::ConstMemberIterator();
  if (!answer.IsObject() || jobs == answer.MemberEnd() || !jobs->value.IsArray() || jobs->value.Empty()) {
    throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "there is no Slurm job " + job_id);
  }
  return jobs->value[0];
}

}  // namespace dlaunch::slurm
