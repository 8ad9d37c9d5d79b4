#include "json_writer.hpp"

#include <dlaunch/core/sweep.hpp>

#include <dlaunch/core/exit_codes.hpp>
#include "sweep_commands.hpp"

namespace dlaunch::cli {

void JsonOut::diagnostics(const Diagnostics& list) {
  writer_.StartArray();
  for (const auto& d : list) {
    writer_.StartObject();
    field("severity", d.severity == Severity::kError ? "error" : "warning");
    field("path", d.path);
    field("file", d.location.file.str());
    field("line", static_cast<int64_t>(d.location.line));
    field("column", static_cast<int64_t>(d.location.column));
    field("message", d.message);
    if (!d.hint.empty()) field("hint", d.hint);
    writer_.EndObject();
  }
  writer_.EndArray();
}

void JsonOut::status(const JobStatus& s, const std::string& platform) {
  writer_.StartObject();
  field("handle", platform + ":" + s.native_id);
  field("platform", platform);
  field("native_id", s.native_id);
  field("name", s.name);
  field("state", state_name(s.state));
  field("terminal", s.terminal());
  field("exit_code", s.exit_code);
  field("restarts", static_cast<int64_t>(s.restarts));
  field("native_state", s.native_state);
  field("message", s.message);
  field("submitted_by_dlaunch", s.submitted_by_dlaunch);
  field("start_time_ms", s.start_time_ms);
  field("end_time_ms", s.end_time_ms);
  writer_.EndObject();
}

void JsonOut::error(const Error& failure) {
  key("error");
  writer_.StartObject();
  field("code", error_code_name(failure.code));
  field("exit_code", static_cast<int64_t>(exit_code_for(failure.code)));
  field("message", failure.message);
  writer_.EndObject();
}

template <class Writer, class Stream>
void journal_entry_fields(BasicJson<Writer, Stream>& json, const JournalEntry& entry) {
  json.field("handle", entry.handle());
  json.field("submission_id", entry.submission_id);
  json.field("platform", entry.platform);
  json.field("name", entry.job_name);
  json.field("journal_state", to_string(entry.state));
  json.field("created_ms", entry.created_ms);
  if (auto sweep = sweep_of_submission(entry.submission_id)) json.field("sweep", sweep_handle(*sweep));
}

// The writers the CLI has.
template void journal_entry_fields(CompactJson&, const JournalEntry&);
template void journal_entry_fields(BasicJson<rapidjson::PrettyWriter<rapidjson::StringBuffer>>&, const JournalEntry&);
template void journal_entry_fields(BasicJson<rapidjson::PrettyWriter<StdoutStream>, StdoutStream>&,
                                   const JournalEntry&);

}  // namespace dlaunch::cli
