// The journal: dlaunch's record of every job it submitted from this machine, under
// $XDG_STATE_HOME/dlaunch/journal.json (default ~/.local/state/dlaunch/).
//
// An entry is written before a plugin's submit is called (intent: submission id, platform, spec) and
// completed after (native id, or the failure). Every write is atomic (temp file + fsync + rename) under an
// exclusive lock file, so concurrent dlaunch processes and a kill at any moment never corrupt it or lose an
// entry.
#ifndef DLAUNCH_CORE_JOURNAL_HPP_
#define DLAUNCH_CORE_JOURNAL_HPP_

#include <dlaunch/core/error.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch {

struct JournalEntry {
  enum class State { kIntent, kSubmitted, kFailed };
  std::string submission_id;  // unique key
  std::string platform;
  std::string job_name;
  std::string spec_file;
  std::string native_id;      // empty until submitted
  State state = State::kIntent;
  std::string error;          // for kFailed
  std::string options_json;   // the platform options used at submit ("{}" when none)
  int64_t created_ms = 0;
  int64_t updated_ms = 0;

  // "PLATFORM:NATIVE_ID", or empty while not submitted.
  std::string handle() const { return native_id.empty() ? std::string() : platform + ":" + native_id; }
};

const char* to_string(JournalEntry::State state);

class Journal {
 public:
  // The journal in `directory`. Nothing is read or created until asked; the first put creates the
  // directory (0700).
  explicit Journal(std::filesystem::path directory);

  // $XDG_STATE_HOME/dlaunch, or ~/.local/state/dlaunch.
  static std::filesystem::path default_directory();

  const std::filesystem::path& directory() const { return directory_; }
  std::filesystem::path file() const { return directory_ / "journal.json"; }

  // Inserts or replaces the entry with the same submission_id, under the lock. Every error is kInternal.
  Result<void> put(const JournalEntry& entry);

  // Every entry, oldest first. A missing journal is empty; an unreadable one is an error.
  Result<std::vector<JournalEntry>> entries() const;

  // The entry whose handle() or submission_id equals `key`.
  Result<std::optional<JournalEntry>> find(const std::string& key) const;

 private:
  std::filesystem::path directory_;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOURNAL_HPP_
