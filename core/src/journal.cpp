#include <dlaunch/core/journal.hpp>

#include "support/paths.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace dlaunch {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLockFileName = "journal.lock";
constexpr std::string_view kTempFilePrefix = "journal.json.tmp-";

// Every journal failure is kInternal: the journal is dlaunch's own record, not the user's input.
std::unexpected<Error> failure(std::string message) {
  return std::unexpected(Error{ErrorCode::kInternal, std::move(message)});
}

std::string os_error(const std::string& what, const fs::path& path) {
  return "cannot " + what + " " + path.string() + ": " + std::strerror(errno);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- Locking and atomic replacement ---------------------------------------------------------------------

// An open file descriptor, closed when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// flock() on the journal's lock file, held until destroyed (closing the descriptor releases it). The
// journal itself is never locked: it is replaced by rename, so a lock on it would be a lock on an old file.
Result<FileDescriptor> lock_journal(const fs::path& directory, int operation) {
  const fs::path path = directory / kLockFileName;
  FileDescriptor lock(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (lock.get() < 0) return failure(os_error("open the journal lock", path));
  while (::flock(lock.get(), operation) != 0) {
    if (errno != EINTR) return failure(os_error("lock", path));
  }
  return lock;
}

Result<void> write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return failure(os_error("write", path));
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

// Replaces `target` with `content` so that a crash at any moment leaves either the old or the new file:
// write a temporary file, flush it to disk, rename it over the target, then flush the directory entry.
Result<void> replace_file(const fs::path& target, std::string_view content) {
  const fs::path temp = target.parent_path() / (std::string(kTempFilePrefix) + std::to_string(::getpid()));
  {
    FileDescriptor file(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (file.get() < 0) return failure(os_error("create", temp));
    if (auto written = write_all(file.get(), content, temp); !written) return written;
    if (::fsync(file.get()) != 0) return failure(os_error("flush", temp));
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) return failure(os_error("replace", target));
  FileDescriptor directory(::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0 || ::fsync(directory.get()) != 0) {
    return failure(os_error("flush the directory", target.parent_path()));
  }
  return {};
}

// Temporary files left by writers that were killed. Only called under the exclusive lock, when no other
// writer can be using one.
void remove_abandoned_temp_files(const fs::path& directory) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    if (entry.path().filename().string().starts_with(kTempFilePrefix)) fs::remove(entry.path(), error);
  }
}

// ---- The file format: a JSON array of entry objects, oldest first ----------------------------------------

const char* const kStateNames[] = {"intent", "submitted", "failed"};

std::optional<JournalEntry::State> state_from_string(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kStateNames); ++i) {
    if (name == kStateNames[i]) return static_cast<JournalEntry::State>(i);
  }
  return std::nullopt;
}

using JournalWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

Result<void> encode_entry(const JournalEntry& entry, JournalWriter& out) {
  rapidjson::Document options;
  options.Parse(entry.options_json.empty() ? "{}" : entry.options_json.c_str());
  if (options.HasParseError() || !options.IsObject()) {
    return failure("the platform options of submission " + entry.submission_id + " are not a JSON object");
  }
  auto field = [&out](const char* name, const std::string& value) {
    out.Key(name);
    out.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  out.StartObject();
  field("submission_id", entry.submission_id);
  field("platform", entry.platform);
  field("job_name", entry.job_name);
  field("spec_file", entry.spec_file);
  field("state", to_string(entry.state));
  field("native_id", entry.native_id);
  field("error", entry.error);
  out.Key("options");
  options.Accept(out);
  out.Key("created_ms");
  out.Int64(entry.created_ms);
  out.Key("updated_ms");
  out.Int64(entry.updated_ms);
  out.EndObject();
  return {};
}

Result<std::string> encode_journal(const std::vector<JournalEntry>& entries) {
  rapidjson::StringBuffer buffer;
  JournalWriter out(buffer);
  out.SetIndent(' ', 2);
  out.StartArray();
  for (const JournalEntry& entry : entries) {
    if (auto encoded = encode_entry(entry, out); !encoded) return std::unexpected(encoded.error());
  }
  out.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

// Fills `entry` from one array element; the message says what is wrong with it.
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

Result<std::vector<JournalEntry>> decode_journal(const std::string& text, const fs::path& file) {
  const auto corrupt = [&file](const std::string& why) {
    return failure("the journal " + file.string() + " is corrupt (" + why +
                           "); it was left untouched: move it away to start a new one");
  };
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  if (document.HasParseError()) {
    return corrupt(std::string(rapidjson::GetParseError_En(document.GetParseError())) + " at byte " +
                   std::to_string(document.GetErrorOffset()));
  }
  if (!document.IsArray()) return corrupt("it is not a JSON array");
  std::vector<JournalEntry> entries;
  for (const rapidjson::Value& object : document.GetArray()) {
    auto entry = decode_entry(object);
    if (!entry) return corrupt(entry.error().message);
    entries.push_back(std::move(*entry));
  }
  return entries;
}

// The journal's entries; none when it does not exist yet. The caller holds the lock.
Result<std::vector<JournalEntry>> read_journal(const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) {
    if (error) return failure("cannot read " + file.string() + ": " + error.message());
    return std::vector<JournalEntry>{};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return failure(os_error("read", file));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return failure(os_error("read", file));
  return decode_journal(text.str(), file);
}

}  // namespace

const char* to_string(JournalEntry::State state) { return kStateNames[static_cast<std::size_t>(state)]; }

Journal::Journal(fs::path directory) : directory_(std::move(directory)) {}

fs::path Journal::default_directory() { return state_root(); }

Result<void> Journal::put(const JournalEntry& entry) {
  if (auto created = create_private_directories(directory_); !created) return created;
  auto lock = lock_journal(directory_, LOCK_EX);
  if (!lock) return std::unexpected(lock.error());
  remove_abandoned_temp_files(directory_);
  auto entries = read_journal(file());
  if (!entries) return std::unexpected(entries.error());

  const int64_t now = now_ms();
  JournalEntry stored = entry;
  stored.updated_ms = now;
  const auto existing = std::ranges::find(*entries, entry.submission_id, &JournalEntry::submission_id);
  if (existing != entries->end()) {
    stored.created_ms = existing->created_ms;
    *existing = std::move(stored);
  } else {
    if (stored.created_ms == 0) stored.created_ms = now;
    entries->push_back(std::move(stored));
  }
  const auto text = encode_journal(*entries);
  if (!text) return std::unexpected(text.error());
  return replace_file(file(), *text);
}

Result<std::vector<JournalEntry>> Journal::entries() const {
  // Reading never creates the directory; when it cannot even be checked, locking says why.
  std::error_code error;
  if (!fs::exists(directory_, error) && !error) return std::vector<JournalEntry>{};
  auto lock = lock_journal(directory_, LOCK_SH);
  if (!lock) return std::unexpected(lock.error());
  return read_journal(file());
}

Result<std::optional<JournalEntry>> Journal::find(const std::string& key) const {
  auto all = entries();
  if (!all) return std::unexpected(all.error());
  const auto match = std::ranges::find_if(
      *all, [&key](const JournalEntry& entry) { return entry.submission_id == key || entry.handle() == key; });
  if (match == all->end()) return std::optional<JournalEntry>();
  return std::optional<JournalEntry>(std::move(*match));
}

}  // namespace dlaunch
