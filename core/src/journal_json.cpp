#include "journal_json.hpp"

#include "support/json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>
#include <utility>

namespace dlaunch {

namespace fs = std::filesystem;

namespace {

std::unexpected<Error> failure(std::string message) {
  return std::unexpected(Error{ErrorCode::kInternal, std::move(message)});
}

// JSON journals were written before the states had the names they have now (journal.cpp, version 3).
std::optional<JournalEntry::State> state_from_string(std::string_view name) {
  if (name == "intent") return JournalEntry::State::kIntent;
  if (name == "submitted") return JournalEntry::State::kSubmitted;
  if (name == "failed") return JournalEntry::State::kFailed;
  return std::nullopt;
}

// One array element as an entry; the message says what is wrong with it.
Result<JournalEntry> decode_entry(const rapidjson::Value& object) {
  if (!object.IsObject()) return failure("an entry is not an object");
  JournalEntry entry;
  const std::pair<const char*, std::string*> strings[] = {
      {"submission_id", &entry.submission_id}, {"platform", &entry.platform}, {"job_name", &entry.job_name},
      {"spec_file", &entry.spec_file},         {"native_id", &entry.native_id}, {"error", &entry.error},
  };
  for (const auto& [name, target] : strings) {
    const auto member = object.FindMember(name);
    if (member == object.MemberEnd()) continue;
    if (!member->value.IsString()) return failure(std::string("'") + name + "' is not a string");
    target->assign(member->value.GetString(), member->value.GetStringLength());
  }
  if (entry.submission_id.empty()) return failure("an entry has no submission_id");
  const auto state = object.FindMember("state");
  if (state == object.MemberEnd() || !state->value.IsString()) {
    return failure("entry " + entry.submission_id + " has no state");
  }
  const auto known_state = state_from_string(state->value.GetString());
  if (!known_state) return failure("entry " + entry.submission_id + " has an unknown state");
  entry.state = *known_state;
  entry.options_json = "{}";
  if (const auto options = object.FindMember("options"); options != object.MemberEnd()) {
    if (!options->value.IsObject()) return failure("the options of entry " + entry.submission_id + " are not an object");
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
    options->value.Accept(out);
    entry.options_json.assign(buffer.GetString(), buffer.GetSize());
  }
  const std::pair<const char*, int64_t*> times[] = {
      {"created_ms", &entry.created_ms}, {"updated_ms", &entry.updated_ms}};
  for (const auto& [name, target] : times) {
    const auto member = object.FindMember(name);
    if (member == object.MemberEnd()) continue;
    if (!member->value.IsInt64()) return failure(std::string("'") + name + "' is not an integer");
    *target = member->value.GetInt64();
  }
  return entry;
}

}  // namespace

Result<std::vector<JournalEntry>> read_json_journal(const fs::path& file) {
  const auto corrupt = [&file](const std::string& why) {
    return failure("the journal " + file.string() + " is corrupt (" + why +
                   "); it was left untouched: move it away to start a new one");
  };
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) return failure("cannot read the journal " + file.string());
  rapidjson::Document document;
  const std::string content = text.str();
  if (const std::string wrong = parse_json(document, content); !wrong.empty()) return corrupt(wrong);
  if (!document.IsArray()) return corrupt("it is not a JSON array");
  std::vector<JournalEntry> entries;
  for (const rapidjson::Value& object : document.GetArray()) {
    auto entry = decode_entry(object);
    if (!entry) return corrupt(entry.error().message);
    entries.push_back(std::move(*entry));
  }
  return entries;
}

}  // namespace dlaunch
