#include "job_state.hpp"

#include <dlaunch/plugin.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <utility>

#include "files.hpp"

namespace dlaunch::local {
namespace {

constexpr std::array<std::pair<RunState, const char*>, 5> kStateNames{{
    {RunState::kPending, "pending"},
    {RunState::kRunning, "running"},
    {RunState::kSucceeded, "succeeded"},
    {RunState::kFailed, "failed"},
    {RunState::kStopped, "stopped"},
}};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_optional_int(Writer& out, const std::optional<int>& value) {
  if (value) {
    out.Int(*value);
  } else {
    out.Null();
  }
}

void write_replica(Writer& out, const ReplicaRecord& replica) {
  out.StartObject();
  out.Key("role");
  out.String(replica.role.c_str());
  out.Key("rank");
  out.Int64(replica.rank);
  out.Key("pid");
  out.Int(replica.pid);
  out.Key("start_ticks");
  out.Uint64(replica.start_ticks);
  out.Key("exit_code");
  write_optional_int(out, replica.exit_code);
  out.EndObject();
}

// Typed reads that throw one clear error for a damaged file.
class Reader {
 public:
  Reader(const rapidjson::Value& object, const std::string& origin) : object_(object), origin_(origin) {}

  const rapidjson::Value& get(const char* key) const {
    auto it = object_.FindMember(key);
    if (it == object_.MemberEnd()) damaged(std::string("missing \"") + key + "\"");
    return it->value;
  }
  std::string string(const char* key) const {
    const auto& v = get(key);
    if (!v.IsString()) damaged(std::string("\"") + key + "\" is not a string");
    return v.GetString();
  }
  int64_t integer(const char* key) const {
    const auto& v = get(key);
    if (!v.IsInt64()) damaged(std::string("\"") + key + "\" is not an integer");
    return v.GetInt64();
  }
  uint64_t unsigned_integer(const char* key) const {
    const auto& v = get(key);
    if (!v.IsUint64()) damaged(std::string("\"") + key + "\" is not an unsigned integer");
    return v.GetUint64();
  }
  std::optional<int> optional_int(const char* key) const {
    const auto& v = get(key);
    if (v.IsNull()) return std::nullopt;
    if (!v.IsInt()) damaged(std::string("\"") + key + "\" is not an integer");
    return v.GetInt();
  }
  [[noreturn]] void damaged(const std::string& why) const {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "damaged job state " + origin_ + ": " + why);
  }

 private:
  const rapidjson::Value& object_;
  const std::string& origin_;
};

RunState parse_state_name(const Reader& in) {
  std::string name = in.string("state");
  for (const auto& [state, word] : kStateNames) {
    if (name == word) return state;
  }
  in.damaged("unknown state \"" + name + "\"");
}

ReplicaRecord parse_replica(const rapidjson::Value& value, const std::string& origin) {
  if (!value.IsObject()) Reader(value, origin).damaged("a replica is not an object");
  Reader in(value, origin);
  ReplicaRecord replica;
  replica.role = in.string("role");
  replica.rank = in.integer("rank");
  replica.pid = static_cast<pid_t>(in.integer("pid"));
  replica.start_ticks = in.unsigned_integer("start_ticks");
  replica.exit_code = in.optional_int("exit_code");
  return replica;
}

}  // namespace

bool is_terminal(RunState state) {
  return state == RunState::kSucceeded || state == RunState::kFailed || state == RunState::kStopped;
}

const char* state_name(RunState state) {
  for (const auto& [candidate, word] : kStateNames) {
    if (candidate == state) return word;
  }
  return "unknown";
}

int32_t host_state(RunState state) {
  switch (state) {
    case RunState::kPending: return DLAUNCH_STATE_PENDING;
    case RunState::kRunning: return DLAUNCH_STATE_RUNNING;
    case RunState::kSucceeded: return DLAUNCH_STATE_SUCCEEDED;
    case RunState::kFailed: return DLAUNCH_STATE_FAILED;
    case RunState::kStopped: return DLAUNCH_STATE_STOPPED;
  }
  return DLAUNCH_STATE_UNKNOWN;
}

std::string to_json(const JobState& state) {
  rapidjson::StringBuffer buffer;
  Writer out(buffer);
  out.StartObject();
  out.Key("name");
  out.String(state.name.c_str());
  out.Key("state");
  out.String(state_name(state.state));
  out.Key("restarts");
  out.Uint(state.restarts);
  out.Key("supervisor_pid");
  out.Int(state.supervisor_pid);
  out.Key("supervisor_start_ticks");
  out.Uint64(state.supervisor_start_ticks);
  out.Key("exit_code");
  write_optional_int(out, state.exit_code);
  out.Key("message");
  out.String(state.message.c_str());
  out.Key("submitted_ms");
  out.Int64(state.submitted_ms);
  out.Key("started_ms");
  out.Int64(state.started_ms);
  out.Key("ended_ms");
  out.Int64(state.ended_ms);
  out.Key("replicas");
  out.StartArray();
  for (const auto& replica : state.replicas) write_replica(out, replica);
  out.EndArray();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

JobState state_from_json(std::string_view json, const std::string& origin) {
  rapidjson::Document doc;
  // Iterative: a damaged file nesting deep must not reach the stack (only known fields are visited after).
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) Reader(doc, origin).damaged("not a JSON object");
  Reader in(doc, origin);
  JobState state;
  state.name = in.string("name");
  state.state = parse_state_name(in);
  state.restarts = static_cast<uint32_t>(in.unsigned_integer("restarts"));
  state.supervisor_pid = static_cast<pid_t>(in.integer("supervisor_pid"));
  state.supervisor_start_ticks = in.unsigned_integer("supervisor_start_ticks");
  state.exit_code = in.optional_int("exit_code");
  state.message = in.string("message");
  state.submitted_ms = in.integer("submitted_ms");
  state.started_ms = in.integer("started_ms");
  state.ended_ms = in.integer("ended_ms");
  const auto& replicas = in.get("replicas");
  if (!replicas.IsArray()) in.damaged("\"replicas\" is not an array");
  for (const auto& replica : replicas.GetArray()) state.replicas.push_back(parse_replica(replica, origin));
  return state;
}

JobState load_state(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "no local job state at " + path.string());
  return state_from_json(*text, path.string());
}

void save_state(const std::filesystem::path& path, const JobState& state) {
  write_file_atomically(path, to_json(state));
}

}  // namespace dlaunch::local
