#include <dlaunch/core/journal.hpp>

#include "journal_json.hpp"
#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/sqlite.hpp"

#include <rapidjson/document.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <thread>
#include <utility>

namespace dlaunch {

namespace fs = std::filesystem;

namespace {

// Marks the file as a dlaunch journal (the header's application_id: "dlJ1"), so that another program's
// database at this path is refused rather than written into.
constexpr int64_t kApplicationId = 0x646c4a31;
// The schema's version (the header's user_version). A later dlaunch that changes the schema raises it and
// migrates older files when it opens them; this one refuses files of a version it does not know.
// Version 2 added the jobs' documents (migrate_to_version_2); version 3 named the states as the client API and
// the UI do (migrate_to_version_3).
constexpr int64_t kSchemaVersion = 3;
// How long a write waits for another process's write before it fails. Writes take well under a millisecond;
// this is for many processes at once on a slow disk.
constexpr int kBusyTimeoutMs = 30'000;

// One row per submission. Indexed for what is looked up, and no more, since every index is written by every
// submit: native id with platform (a handle, did-you-mean, a native id under another platform), time (list,
// newest first; prune) and the submits not settled (read before every list: a partial index, holding only
// those few rows, so that read does not scan the table).
constexpr const char* kSchema = R"(
CREATE TABLE jobs (
  submission_id TEXT PRIMARY KEY NOT NULL,
  platform      TEXT NOT NULL,
  job_name      TEXT NOT NULL,
  spec_file     TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('submitting', 'submitted', 'submit_failed')),
  native_id     TEXT NOT NULL,
  error         TEXT NOT NULL,
  options       TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  updated_ms    INTEGER NOT NULL,
  document      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_by_native_id ON jobs (native_id, platform);
CREATE INDEX jobs_by_time ON jobs (created_ms);
CREATE INDEX jobs_submitting ON jobs (created_ms) WHERE state = 'submitting';
)";

// What an entry is read as; the document (?11 when written) only by Journal::document(): lists need none.
constexpr const char* kColumns =
    "submission_id, platform, job_name, spec_file, state, native_id, error, options, created_ms, updated_ms";
constexpr const char* kNewestFirst = " ORDER BY created_ms DESC, rowid DESC";

// The states' names, in JournalEntry::State's order: the same words in the database, in `-o json` output, the
// UI and the client API (DL_JOURNAL_*).
const char* const kStateNames[] = {"submitting", "submitted", "submit_failed"};

// Less free space than this, and a journal that cannot be written is taken to be on a full filesystem: a
// write needs a few pages (4 KiB each) of the database and of its log.
constexpr uint64_t kFullBelowBytes = 64 * 1024;

std::unexpected<Error> failure(std::string message) {
  return std::unexpected(Error{ErrorCode::kInternal, std::move(message)});
}

// SQLite's failure as the journal's: a damaged file is said to be one, and is never written over.
std::unexpected<Error> failure(const fs::path& file, const char* doing, const sqlite::Failure& cause) {
  if (cause.is_corruption()) {
    return failure("the journal " + file.string() + " is corrupt (" + cause.message +
                   "); it was left untouched: move it away to start a new one");
  }
  std::string message = std::string("cannot ") + doing + " the journal " + file.string() + ": " + cause.message;
  // A full filesystem reaches SQLite as "disk I/O error" as often as "database or disk is full": say which.
  struct statvfs space {};
  const bool io = cause.code == SQLITE_FULL || cause.code == SQLITE_IOERR || cause.code == SQLITE_CANTOPEN;
  if (io && ::statvfs(file.parent_path().c_str(), &space) == 0 && space.f_bavail * space.f_frsize < kFullBelowBytes) {
    message += " (no space left on the filesystem that holds it; every entry it had is kept: free some space)";
  }
  return failure(message);
}

std::unexpected<Error> not_a_journal(const fs::path& file) {
  return failure("the file " + file.string() +
                 " is not a dlaunch journal; it was left untouched: move it away to start a new journal");
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Binds an entry's columns, in kColumns's order, as ?1 .. ?10, and its document as ?11.
void bind_entry(sqlite::Statement& statement, const JournalEntry& entry) {
  statement.bind(1, entry.submission_id).bind(2, entry.platform).bind(3, entry.job_name).bind(4, entry.spec_file);
  statement.bind(5, to_string(entry.state)).bind(6, entry.native_id).bind(7, entry.error);
  statement.bind(8, entry.options_json).bind(9, entry.created_ms).bind(10, entry.updated_ms);
  statement.bind(11, entry.document_json);
}

Result<JournalEntry> read_entry(const sqlite::Statement& row, const fs::path& file) {
  JournalEntry entry;
  entry.submission_id = row.text(0);
  entry.platform = row.text(1);
  entry.job_name = row.text(2);
  entry.spec_file = row.text(3);
  const std::string state = row.text(4);
  entry.native_id = row.text(5);
  entry.error = row.text(6);
  entry.options_json = row.text(7);
  entry.created_ms = row.integer(8);
  entry.updated_ms = row.integer(9);
  for (std::size_t i = 0; i < std::size(kStateNames); ++i) {
    if (state == kStateNames[i]) {
      entry.state = static_cast<JournalEntry::State>(i);
      return entry;
    }
  }
  return failure("the journal " + file.string() + " is corrupt (entry " + entry.submission_id +
                 " has an unknown state); it was left untouched: move it away to start a new one");
}

// Runs a SELECT of kColumns and hands each row to `on_entry`, until it returns false.
Result<void> each_entry(sqlite::Statement& statement, const fs::path& file,
                        const std::function<bool(JournalEntry&&)>& on_entry) {
  while (true) {
    auto row = statement.step();
    if (!row) return failure(file, "read", row.error());
    if (!*row) return {};
    auto entry = read_entry(statement, file);
    if (!entry) return std::unexpected(entry.error());
    if (!on_entry(std::move(*entry))) return {};
  }
}

// Runs a SELECT of kColumns and reads every row.
Result<std::vector<JournalEntry>> read_entries(sqlite::Statement& statement, const fs::path& file) {
  std::vector<JournalEntry> entries;
  auto read = each_entry(statement, file, [&](JournalEntry&& entry) {
    entries.push_back(std::move(entry));
    return true;
  });
  if (!read) return std::unexpected(read.error());
  return entries;
}

sqlite::Result<int64_t> pragma(sqlite::Database& database, const char* name) {
  auto statement = database.prepare(std::string("PRAGMA ") + name);
  if (!statement) return std::unexpected(statement.error());
  auto row = statement->step();
  if (!row) return std::unexpected(row.error());
  return *row ? statement->integer(0) : 0;
}

// Lays out the tables of an empty file in one transaction, unless another process did first; the file's
// application id afterwards (0: the file holds tables of another program).
sqlite::Result<int64_t> create_schema(sqlite::Database& database) {
  // WAL persists in the file; it can only be set outside a transaction.
  if (auto wal = database.exec("PRAGMA journal_mode = WAL"); !wal) return std::unexpected(wal.error());
  auto transaction = sqlite::Transaction::begin(database);
  if (!transaction) return std::unexpected(transaction.error());
  auto tables = pragma(database, "schema_version");  // 0 for a file no one has written a table to
  if (!tables) return std::unexpected(tables.error());
  auto application_id = pragma(database, "application_id");
  if (!application_id || *application_id != 0 || *tables != 0) return application_id;
  const std::string create = std::string(kSchema) + "PRAGMA application_id = " + std::to_string(kApplicationId) +
                             "; PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";";
  if (auto created = database.exec(create.c_str()); !created) return std::unexpected(created.error());
  if (auto committed = transaction->commit(); !committed) return std::unexpected(committed.error());
  return kApplicationId;
}

// Version 1 had no documents: their column is added, empty. Several processes may open the file at once: the
// first to take the write lock migrates, the others then find version 2.
sqlite::Result<void> migrate_to_version_2(sqlite::Database& database) {
  auto transaction = sqlite::Transaction::begin(database);
  if (!transaction) return std::unexpected(transaction.error());
  auto version = pragma(database, "user_version");
  if (!version) return std::unexpected(version.error());
  if (*version != 1) return {};
  if (auto altered = database.exec("ALTER TABLE jobs ADD COLUMN document TEXT NOT NULL DEFAULT ''; "
                                   "PRAGMA user_version = 2;");
      !altered) {
    return std::unexpected(altered.error());
  }
  return transaction->commit();
}

// Version 2 named the states 'intent', 'submitted' and 'failed'. A CHECK constraint cannot be altered: the
// table is laid out anew and its rows copied in their order (rowid breaks ties of time), renamed.
sqlite::Result<void> migrate_to_version_3(sqlite::Database& database) {
  auto transaction = sqlite::Transaction::begin(database);
  if (!transaction) return std::unexpected(transaction.error());
  auto version = pragma(database, "user_version");
  if (!version) return std::unexpected(version.error());
  if (*version != 2) return {};
  const std::string migrate =
      std::string("DROP INDEX jobs_by_native_id; DROP INDEX jobs_by_time; ALTER TABLE jobs RENAME TO jobs_v2;") +
      kSchema +
      "INSERT INTO jobs (submission_id, platform, job_name, spec_file, state, native_id, error, options, created_ms, "
      "updated_ms, document) SELECT submission_id, platform, job_name, spec_file, CASE state WHEN 'intent' THEN "
      "'submitting' WHEN 'failed' THEN 'submit_failed' ELSE state END, native_id, error, options, created_ms, "
      "updated_ms, document FROM jobs_v2 ORDER BY rowid; DROP TABLE jobs_v2; PRAGMA user_version = 3;";
  if (auto migrated = database.exec(migrate.c_str()); !migrated) return std::unexpected(migrated.error());
  return transaction->commit();
}

// Checks that the file is a journal this dlaunch can use, and lays out an empty one. Several processes may
// open a new file at once: the one that takes the write lock first creates the schema, the others then find it.
Result<void> prepare_schema(sqlite::Database& database, const fs::path& file) {
  // The header first: a file that is not a database fails here, before anything could be written.
  auto application_id = pragma(database, "application_id");
  if (!application_id) return failure(file, "open", application_id.error());
  // Per connection: commits reach the operating system (a killed process loses nothing) without waiting
  // for the disk (see journal.hpp). The log is moved into the database (a checkpoint, which does wait for the
  // disk) once it holds 256 pages, not SQLite's 1000: each dlaunch process that opens the journal first reads
  // the whole log, so a shorter one opens faster, for a checkpoint every 40 or so submits.
  if (auto pragmas = database.exec("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 256"); !pragmas) {
    return failure(file, "open", pragmas.error());
  }
  if (*application_id == 0) {
    // Switching a new file to WAL takes locks SQLite does not wait for (it answers "busy" at once while another
    // connection switches or creates), so processes creating the journal together retry, for as long as a
    // write would wait.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (;;) {
      application_id = create_schema(database);
      if (application_id || !application_id.error().is_busy() || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!application_id) return failure(file, "create", application_id.error());
  }
  if (*application_id != kApplicationId) return not_a_journal(file);
  auto version = pragma(database, "user_version");
  if (!version) return failure(file, "open", version.error());
  // An older version is migrated, one version at a time.
  if (*version > kSchemaVersion) {
    return failure("the journal " + file.string() + " has schema version " + std::to_string(*version) +
                   ", which this dlaunch does not know (it writes version " + std::to_string(kSchemaVersion) +
                   "): it was written by a newer dlaunch");
  }
  if (*version < 1) return not_a_journal(file);
  if (*version <= 1) {
    if (auto migrated = migrate_to_version_2(database); !migrated) return failure(file, "migrate", migrated.error());
  }
  if (*version <= 2) {
    if (auto migrated = migrate_to_version_3(database); !migrated) return failure(file, "migrate", migrated.error());
  }
  return {};
}

// Moves the entries of a JSON journal into the database, then renames the JSON file: a process killed in
// between leaves the file to be moved again, and entries already there are kept as they are. The JSON
// journal's lock keeps an older dlaunch from writing it meanwhile, and a second new one from moving it twice.
Result<void> migrate_json_journal(sqlite::Database& database, const fs::path& directory, const fs::path& file) {
  const fs::path json = directory / kJsonJournalName;
  const fs::path lock_file = directory / kJsonJournalLockName;
  const int lock = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) return failure("cannot open " + lock_file.string() + ": " + std::strerror(errno));
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock};
  while (::flock(lock, LOCK_EX) != 0) {
    if (errno != EINTR) return failure("cannot lock " + lock_file.string() + ": " + std::strerror(errno));
  }
  std::error_code error;
  if (!fs::exists(json, error)) return {};  // another process moved it while this one waited
  auto entries = read_json_journal(json);
  if (!entries) return std::unexpected(entries.error());
  {
    auto transaction = sqlite::Transaction::begin(database);
    if (!transaction) return failure(file, "write", transaction.error());
    auto insert = database.prepare(std::string("INSERT INTO jobs (") + kColumns +
                                   ", document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                                   " ON CONFLICT DO NOTHING");
    if (!insert) return failure(file, "write", insert.error());
    for (const JournalEntry& entry : *entries) {
      bind_entry(*insert, entry);
      if (auto inserted = insert->run(); !inserted) return failure(file, "write", inserted.error());
      insert->reset();
    }
    if (auto committed = transaction->commit(); !committed) return failure(file, "write", committed.error());
  }
  const fs::path kept = json.string() + ".migrated";
  fs::rename(json, kept, error);
  if (error) return failure("cannot rename " + json.string() + " to " + kept.string() + ": " + error.message());
  // What the JSON journal's writers left: their lock, and the temporary files of writers that were killed.
  for (const fs::directory_entry& leftover : fs::directory_iterator(directory, error)) {
    if (leftover.path().filename().string().starts_with(kJsonJournalTempPrefix)) fs::remove(leftover.path(), error);
  }
  fs::remove(lock_file, error);
  std::fprintf(stderr, "dlaunch: moved the %zu jobs of %s into %s; the old file is kept as %s\n", entries->size(),
               json.c_str(), file.c_str(), kept.c_str());
  return {};
}

}  // namespace

const char* to_string(JournalEntry::State state) { return kStateNames[static_cast<std::size_t>(state)]; }

class Journal::Store {
 public:
  explicit Store(sqlite::Database database) : database(std::move(database)) {}
  sqlite::Database database;
};

Journal::Journal(fs::path directory) : directory_(std::move(directory)) {}
Journal::Journal(Journal&&) noexcept = default;
Journal& Journal::operator=(Journal&&) noexcept = default;
Journal::~Journal() = default;

fs::path Journal::default_directory() { return state_root(); }

Result<Journal::Store*> Journal::open(bool create) {
  if (store_) return store_.get();
  const fs::path database_file = file();
  std::error_code error;
  // When the answer is unknown (no permission), opening says why. The JSON journal first: another process
  // that moves it creates the database before it renames the JSON file.
  const bool has_json = fs::exists(directory_ / kJsonJournalName, error) || error;
  const bool exists = fs::exists(database_file, error) || error;
  if (!exists && !has_json && !create) return nullptr;
  if (auto made = create_private_directories(directory_); !made) return std::unexpected(made.error());
  if (!exists) {
    // Created here, not by SQLite, for its mode: SQLite gives its own -wal and -shm files the same one.
    const int fd = ::open(database_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return failure("cannot create the journal " + database_file.string() + ": " + std::strerror(errno));
    ::close(fd);
  }
  auto database = sqlite::Database::open(database_file, false);
  if (!database) return failure(database_file, "open", database.error());
  database->set_busy_timeout(kBusyTimeoutMs);
  // Each dlaunch process opens the journal for a write or two: a checkpoint as each one exits would flush the
  // disk every time. SQLite checkpoints in a commit instead, once the log reaches its limit (1000 pages).
  database->set_checkpoint_on_close(false);
  if (auto prepared = prepare_schema(*database, database_file); !prepared) return std::unexpected(prepared.error());
  if (has_json) {
    if (auto moved = migrate_json_journal(*database, directory_, database_file); !moved) {
      return std::unexpected(moved.error());
    }
  }
  store_ = std::make_unique<Store>(std::move(*database));
  return store_.get();
}

Result<void> Journal::put(const JournalEntry& entry) {
  rapidjson::Document options;
  if (!parse_json(options, entry.options_json.empty() ? "{}" : entry.options_json).empty() || !options.IsObject()) {
    return failure("the platform options of submission " + entry.submission_id + " are not a JSON object");
  }
  auto store = open(true);
  if (!store) return std::unexpected(store.error());
  sqlite::Database& database = (*store)->database;
  // One statement, so one transaction. A later write changes only what a submission's progress changes, so
  // it rewrites the row and the native-id index, not every index.
  auto upsert = database.prepare(std::string("INSERT INTO jobs (") + kColumns +
                                 ", document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                                 " ON CONFLICT (submission_id) DO "
                                 "UPDATE SET state = ?5, native_id = ?6, error = ?7, options = ?8, updated_ms = ?10");
  if (!upsert) return failure(file(), "write", upsert.error());
  JournalEntry stored = entry;
  stored.updated_ms = now_ms();
  if (stored.created_ms == 0) stored.created_ms = stored.updated_ms;
  if (stored.options_json.empty()) stored.options_json = "{}";
  bind_entry(*upsert, stored);
  if (auto written = upsert->run(); !written) return failure(file(), "write", written.error());
  return {};
}

Result<bool> Journal::settle(const JournalEntry& entry) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return false;
  sqlite::Database& database = (*store)->database;
  auto update = database.prepare("UPDATE jobs SET state = ?2, native_id = ?3, error = ?4, updated_ms = ?5"
                                 " WHERE submission_id = ?1 AND state = ?6");
  if (!update) return failure(file(), "write", update.error());
  update->bind(1, entry.submission_id).bind(2, to_string(entry.state)).bind(3, entry.native_id).bind(4, entry.error);
  update->bind(5, now_ms()).bind(6, to_string(JournalEntry::State::kIntent));
  if (auto written = update->run(); !written) return failure(file(), "write", written.error());
  return database.changes() > 0;
}

Result<std::optional<JournalEntry>> Journal::find(const std::string& key) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return std::optional<JournalEntry>();
  // A handle is split at its first ':', as JobHandle does; a submission id has none.
  const std::size_t colon = key.find(':');
  auto select = (*store)->database.prepare(std::string("SELECT ") + kColumns +
                                           " FROM jobs WHERE submission_id = ?1 OR (native_id = ?2 AND platform = ?3 AND"
                                           " ?2 != '') LIMIT 1");
  if (!select) return failure(file(), "read", select.error());
  select->bind(1, key);
  // An entry without a native id has no handle: "local:" finds none.
  select->bind(2, colon == std::string::npos ? std::string_view() : std::string_view(key).substr(colon + 1));
  select->bind(3, std::string_view(key).substr(0, colon == std::string::npos ? 0 : colon));
  auto found = read_entries(*select, file());
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::optional<JournalEntry>();
  return std::optional<JournalEntry>(std::move(found->front()));
}

Result<std::string> Journal::document(const std::string& submission_id) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return std::string();
  auto select = (*store)->database.prepare("SELECT document FROM jobs WHERE submission_id = ?1");
  if (!select) return failure(file(), "read", select.error());
  select->bind(1, submission_id);
  auto row = select->step();
  if (!row) return failure(file(), "read", row.error());
  return *row ? select->text(0) : std::string();
}

Result<std::vector<JournalEntry>> Journal::find_native_id(const std::string& native_id) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return std::vector<JournalEntry>();
  auto select = (*store)->database.prepare(std::string("SELECT ") + kColumns + " FROM jobs WHERE native_id = ?1" +
                                           kNewestFirst);
  if (!select) return failure(file(), "read", select.error());
  select->bind(1, native_id);
  return read_entries(*select, file());
}

Result<std::vector<JournalEntry>> Journal::with_submission_prefix(const std::string& prefix) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr || prefix.empty()) return std::vector<JournalEntry>();
  // A range on the primary key, which its index answers (LIKE would scan the table): every string that starts
  // with the prefix sorts between it and the prefix with its last byte one higher.
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);
  auto select = (*store)->database.prepare(std::string("SELECT ") + kColumns +
                                           " FROM jobs WHERE submission_id >= ?1 AND submission_id < ?2"
                                           " ORDER BY created_ms, rowid");
  if (!select) return failure(file(), "read", select.error());
  select->bind(1, prefix).bind(2, end);
  return read_entries(*select, file());
}

namespace {

// The WHERE clause of a query, its values bound as ?1 (platform) and ?2 (time).
std::string where(const JournalQuery& query) {
  std::string clause = " WHERE 1";
  if (!query.platform.empty()) clause += " AND platform = ?1";
  if (query.created_before_ms != 0) clause += " AND created_ms < ?2";
  return clause;
}

void bind_query(sqlite::Statement& statement, const JournalQuery& query) {
  if (!query.platform.empty()) statement.bind(1, query.platform);
  if (query.created_before_ms != 0) statement.bind(2, query.created_before_ms);
}

}  // namespace

Result<std::vector<JournalEntry>> Journal::entries(const JournalQuery& query) {
  std::vector<JournalEntry> entries;
  auto read = for_each(query, [&](JournalEntry&& entry) {
    entries.push_back(std::move(entry));
    return true;
  });
  if (!read) return std::unexpected(read.error());
  return entries;
}

Result<void> Journal::for_each(const JournalQuery& query, const std::function<bool(JournalEntry&&)>& on_entry) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return {};
  // LIMIT -1 is SQLite's "no limit".
  auto select = (*store)->database.prepare(std::string("SELECT ") + kColumns + " FROM jobs" + where(query) +
                                           kNewestFirst + " LIMIT ?3");
  if (!select) return failure(file(), "read", select.error());
  bind_query(*select, query);
  select->bind(3, query.limit ? static_cast<int64_t>(*query.limit) : int64_t{-1});
  return each_entry(*select, file(), on_entry);
}

Result<std::vector<std::string>> Journal::platforms(const JournalQuery& query) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return std::vector<std::string>();
  auto select = (*store)->database.prepare("SELECT DISTINCT platform FROM (SELECT platform, native_id FROM jobs" +
                                           where(query) + kNewestFirst + " LIMIT ?3) WHERE native_id != ''"
                                           " ORDER BY platform");
  if (!select) return failure(file(), "read", select.error());
  bind_query(*select, query);
  select->bind(3, query.limit ? static_cast<int64_t>(*query.limit) : int64_t{-1});
  std::vector<std::string> platforms;
  while (true) {
    auto row = select->step();
    if (!row) return failure(file(), "read", row.error());
    if (!*row) return platforms;
    platforms.push_back(select->text(0));
  }
}

Result<void> Journal::read_snapshot(const std::function<Result<void>()>& reads) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return reads();
  sqlite::Database& database = (*store)->database;
  // A deferred transaction that only reads: its snapshot is taken at its first read, and ending it writes
  // nothing.
  if (auto begun = database.exec("BEGIN"); !begun) return failure(file(), "read", begun.error());
  Result<void> done = reads();
  if (auto ended = database.exec(done ? "COMMIT" : "ROLLBACK"); !ended && done) {
    return failure(file(), "read", ended.error());
  }
  return done;
}

Result<std::vector<JournalEntry>> Journal::intents(const std::string& platform) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return std::vector<JournalEntry>();
  auto select = (*store)->database.prepare(std::string("SELECT ") + kColumns +
                                           " FROM jobs WHERE state = 'submitting' AND (?1 = '' OR platform = ?1)" +
                                           kNewestFirst);
  if (!select) return failure(file(), "read", select.error());
  select->bind(1, platform);
  return read_entries(*select, file());
}

Result<std::size_t> Journal::count(const JournalQuery& query) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr) return 0;
  auto select = (*store)->database.prepare("SELECT count(*) FROM jobs" + where(query));
  if (!select) return failure(file(), "read", select.error());
  bind_query(*select, query);
  auto row = select->step();
  if (!row) return failure(file(), "read", row.error());
  return static_cast<std::size_t>(select->integer(0));
}

Result<std::size_t> Journal::erase(const std::vector<std::string>& submission_ids) {
  auto store = open(false);
  if (!store) return std::unexpected(store.error());
  if (*store == nullptr || submission_ids.empty()) return 0;
  sqlite::Database& database = (*store)->database;
  auto transaction = sqlite::Transaction::begin(database);
  if (!transaction) return failure(file(), "write", transaction.error());
  auto remove = database.prepare("DELETE FROM jobs WHERE submission_id = ?1");
  if (!remove) return failure(file(), "write", remove.error());
  std::size_t removed = 0;
  for (const std::string& id : submission_ids) {
    remove->bind(1, id);
    if (auto done = remove->run(); !done) return failure(file(), "write", done.error());
    removed += static_cast<std::size_t>(database.changes());
    remove->reset();
  }
  if (auto committed = transaction->commit(); !committed) return failure(file(), "write", committed.error());
  return removed;
}

}  // namespace dlaunch
