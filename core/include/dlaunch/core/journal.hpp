// The journal: dlaunch's record of every job it submitted from this machine, an SQLite database at
// $XDG_STATE_HOME/dlaunch/journal.db (default ~/.local/state/dlaunch/), private to the user (0700 directory,
// 0600 files).
//
// An entry is written before a plugin's submit is called (intent: submission id, platform, spec) and
// completed after (native id, or the failure). Every write is one transaction in WAL mode: concurrent dlaunch
// processes wait for each other rather than fail, and a process killed at any moment loses no write that had
// returned and never corrupts the file. Commits are not flushed to disk one by one (synchronous=NORMAL), so a
// power cut or an OS crash may forget the last writes before it, never more, and never leaves a broken file.
// SQLite's log (journal.db-wal, about 1 MB) and its index (journal.db-shm) stay beside it.
//
// A journal.json written by an earlier dlaunch is moved into the database on first use, once, and kept as
// journal.json.migrated.
#ifndef DLAUNCH_CORE_JOURNAL_HPP_
#define DLAUNCH_CORE_JOURNAL_HPP_

#include <dlaunch/core/error.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
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
  // The job document the platform was handed, its secrets as "***" ("" for jobs journaled before dlaunch kept
  // it). Written by put() with the first write of the entry; find() and entries() leave it empty, since lists
  // need no documents: read it with Journal::document().
  std::string document_json;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;

  // "PLATFORM:NATIVE_ID", or empty while not submitted.
  std::string handle() const { return native_id.empty() ? std::string() : platform + ":" + native_id; }
};

const char* to_string(JournalEntry::State state);

// Which entries a read or an erase concerns. The default is every entry.
struct JournalQuery {
  std::string platform;                // only this platform's; empty for every platform
  int64_t created_before_ms = 0;       // only entries first written before this time; 0 for any time
  std::optional<std::size_t> limit;    // at most this many, the newest
};

class Journal {
 public:
  // The journal in `directory`. Nothing is read or created until asked; the first put creates the
  // directory and the database.
  explicit Journal(std::filesystem::path directory);
  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  ~Journal();

  // $XDG_STATE_HOME/dlaunch, or ~/.local/state/dlaunch.
  static std::filesystem::path default_directory();

  const std::filesystem::path& directory() const { return directory_; }
  std::filesystem::path file() const { return directory_ / "journal.db"; }

  // Inserts the entry, or updates the one with the same submission_id: its state, native_id, error and
  // options. Its platform, job_name, spec_file, document and created_ms stay those it was first written with. Every
  // error is kInternal, and names the file.
  Result<void> put(const JournalEntry& entry);

  // Records the outcome (state, native_id, error) of a submission that is still an intent; false, writing
  // nothing, when an outcome was journaled meanwhile (by its own submit): a settled entry is never overwritten.
  Result<bool> settle(const JournalEntry& entry);

  // The entry whose handle() or submission_id equals `key`.
  Result<std::optional<JournalEntry>> find(const std::string& key);

  // The job document journaled with submission `submission_id` ("" when none was).
  Result<std::string> document(const std::string& submission_id);

  // The entries submitted as `native_id` to any platform, newest first.
  Result<std::vector<JournalEntry>> find_native_id(const std::string& native_id);

  // The entries whose submission id starts with `prefix` (a sweep's jobs), oldest first.
  Result<std::vector<JournalEntry>> with_submission_prefix(const std::string& prefix);

  // The entries `query` selects, newest first (by created_ms, then by the order they were first written). A
  // journal that does not exist yet is empty, and is not created; an unreadable one is an error.
  Result<std::vector<JournalEntry>> entries(const JournalQuery& query = {});

  // The same entries handed to `on_entry` one at a time as they are read, so that a listing of any length
  // holds one entry at a time; stops early when `on_entry` returns false.
  Result<void> for_each(const JournalQuery& query, const std::function<bool(JournalEntry&&)>& on_entry);

  // The platforms of the submitted entries (those with a native id) `query` selects, in name order.
  Result<std::vector<std::string>> platforms(const JournalQuery& query = {});

  // Runs `reads` (reads of this journal) on one snapshot of it: what other processes write meanwhile is not
  // seen, so a listing read twice (to size its columns, then to print them) reads the same entries twice.
  Result<void> read_snapshot(const std::function<Result<void>()>& reads);

  // The entries still in state submitting (no outcome journaled), of `platform` ("" for every platform), newest
  // first: submits in flight, or left by a dlaunch that died during one.
  Result<std::vector<JournalEntry>> intents(const std::string& platform = "");

  // How many entries `query` selects, regardless of its limit.
  Result<std::size_t> count(const JournalQuery& query = {});

  // Removes the entries with these submission ids, all in one transaction; how many there were.
  Result<std::size_t> erase(const std::vector<std::string>& submission_ids);

 private:
  class Store;
  // The open database, made ready (schema checked, a JSON journal moved in); null when there is none yet and
  // `create` is false.
  Result<Store*> open(bool create);

  std::filesystem::path directory_;
  std::unique_ptr<Store> store_;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOURNAL_HPP_
