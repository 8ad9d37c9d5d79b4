#include <dlaunch/core/journal.hpp>

#include "support/process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace dlaunch {
namespace {

namespace fs = std::filesystem;

JournalEntry intent(const std::string& submission_id) {
  JournalEntry entry;
  entry.submission_id = submission_id;
  entry.platform = "local";
  entry.job_name = "mnist-ddp";
  entry.spec_file = "/abs/job.toml";
  entry.options_json = R"({"address":"http://127.0.0.1:8265","retries":3})";
  return entry;
}

JournalEntry submitted(const std::string& submission_id, const std::string& platform, const std::string& native_id) {
  JournalEntry entry = intent(submission_id);
  entry.platform = platform;
  entry.native_id = native_id;
  entry.state = JournalEntry::State::kSubmitted;
  return entry;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> ids_of(const std::vector<JournalEntry>& entries) {
  std::vector<std::string> ids;
  for (const JournalEntry& entry : entries) ids.push_back(entry.submission_id);
  return ids;
}

// Runs SQL on the database file with SQLite itself, as another program (or a user) would.
std::string sql(const fs::path& file, const std::string& statements) {
  sqlite3* db = nullptr;
  std::string result;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    auto append = [](void* out, int columns, char** values, char**) {
      for (int i = 0; i < columns; ++i) *static_cast<std::string*>(out) += (values[i] ? values[i] : "NULL") + std::string("\n");
      return 0;
    };
    char* error = nullptr;
    if (sqlite3_exec(db, statements.c_str(), append, &result, &error) != SQLITE_OK) {
      result = std::string("error: ") + (error ? error : "");
      sqlite3_free(error);
    }
  } else {
    result = std::string("error: ") + sqlite3_errmsg(db);
  }
  sqlite3_close(db);
  return result;
}

// SQLite's own check of every page and index.
testing::AssertionResult is_valid_journal(const fs::path& file) {
  const std::string check = sql(file, "PRAGMA integrity_check");
  if (check != "ok\n") return testing::AssertionFailure() << file << ": " << check;
  return testing::AssertionSuccess();
}

unsigned permissions_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

class JournalTest : public ::testing::Test {
 protected:
  test::TempDir temp_;
  fs::path directory_ = fs::path(temp_.path()) / "state" / "dlaunch";
  Journal journal_{directory_};
};

TEST_F(JournalTest, MissingJournalIsEmptyAndNotCreated) {
  const auto entries = journal_.entries();
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  EXPECT_TRUE(entries->empty());
  const auto found = journal_.find("anything");
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(journal_.count().value_or(99), 0u);
  EXPECT_EQ(journal_.erase({"anything"}).value_or(99), 0u);
  EXPECT_FALSE(fs::exists(directory_));
}

TEST_F(JournalTest, PutThenFindBySubmissionIdAndByHandle) {
  ASSERT_TRUE(journal_.put(intent("sub-1")).has_value());
  auto found = journal_.find("sub-1");
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  const JournalEntry first = **found;
  EXPECT_EQ(first.state, JournalEntry::State::kIntent);
  EXPECT_EQ(first.handle(), "");
  EXPECT_EQ(first.job_name, "mnist-ddp");
  EXPECT_EQ(first.spec_file, "/abs/job.toml");
  EXPECT_EQ(first.options_json, R"({"address":"http://127.0.0.1:8265","retries":3})");
  EXPECT_GT(first.created_ms, 0);

  JournalEntry later = first;
  later.state = JournalEntry::State::kSubmitted;
  later.native_id = "mnist-ddp-7f3a";
  later.created_ms = 0;  // put keeps the time the entry was first written
  later.job_name = "renamed";  // and what it was submitted as
  ASSERT_TRUE(journal_.put(later).has_value());

  found = journal_.find("local:mnist-ddp-7f3a");
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->submission_id, "sub-1");
  EXPECT_EQ((*found)->state, JournalEntry::State::kSubmitted);
  EXPECT_EQ((*found)->created_ms, first.created_ms);
  EXPECT_EQ((*found)->job_name, "mnist-ddp");
  EXPECT_GE((*found)->updated_ms, first.updated_ms);
  EXPECT_EQ(journal_.entries()->size(), 1u);
  // Neither half of a handle alone finds it.
  EXPECT_FALSE(journal_.find("mnist-ddp-7f3a")->has_value());
  EXPECT_FALSE(journal_.find("ray:mnist-ddp-7f3a")->has_value());
  ASSERT_TRUE(journal_.put(intent("sub-2")).has_value());
  EXPECT_FALSE(journal_.find("local:")->has_value());  // an intent has no handle
}

TEST_F(JournalTest, EntriesAreNewestFirstAndKeepTheirPlaceWhenUpdated) {
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(journal_.put(intent(id)).has_value());
  JournalEntry failed = intent("a");
  failed.state = JournalEntry::State::kFailed;
  failed.error = "the platform refused the job";
  ASSERT_TRUE(journal_.put(failed).has_value());
  const auto entries = journal_.entries();
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(ids_of(*entries), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ((*entries)[2].state, JournalEntry::State::kFailed);
  EXPECT_EQ((*entries)[2].error, "the platform refused the job");
}

TEST_F(JournalTest, QueriesSelectByPlatformAndAgeAndLimitTheNewest) {
  JournalEntry old_ray = submitted("old-ray", "ray", "raysubmit_1");
  old_ray.created_ms = 1'000;
  JournalEntry old_local = submitted("old-local", "local", "job-1");
  old_local.created_ms = 2'000;
  for (const JournalEntry& entry : {old_ray, old_local, submitted("new-ray", "ray", "raysubmit_2"),
                                    submitted("new-local", "local", "job-2")}) {
    ASSERT_TRUE(journal_.put(entry).has_value());
  }
  EXPECT_EQ(ids_of(*journal_.entries({.limit = 2})), (std::vector<std::string>{"new-local", "new-ray"}));
  EXPECT_EQ(ids_of(*journal_.entries({.platform = "ray"})), (std::vector<std::string>{"new-ray", "old-ray"}));
  EXPECT_EQ(ids_of(*journal_.entries({.created_before_ms = 5'000})),
            (std::vector<std::string>{"old-local", "old-ray"}));
  EXPECT_EQ(ids_of(*journal_.entries({.platform = "local", .created_before_ms = 5'000})),
            (std::vector<std::string>{"old-local"}));
  EXPECT_EQ(journal_.count().value_or(0), 4u);
  EXPECT_EQ(journal_.count({.platform = "ray", .limit = 1}).value_or(0), 2u);  // a count ignores the limit
  EXPECT_TRUE(journal_.entries({.limit = 0})->empty());

  const auto same_id = journal_.find_native_id("job-1");
  ASSERT_TRUE(same_id.has_value());
  EXPECT_EQ(ids_of(*same_id), (std::vector<std::string>{"old-local"}));

  EXPECT_EQ(journal_.erase({"old-ray", "old-local", "never-there"}).value_or(0), 2u);
  EXPECT_EQ(ids_of(*journal_.entries()), (std::vector<std::string>{"new-local", "new-ray"}));
  EXPECT_FALSE(journal_.find("ray:raysubmit_1")->has_value());
}

// A listing streams the entries one at a time (for_each), in the order entries() gives them, and reads them
// twice on one snapshot: a write between the two reads is not seen by the second.
TEST_F(JournalTest, EntriesStreamOneAtATimeAndASnapshotKeepsTwoReadsAlike) {
  JournalEntry intent_only = intent("in-flight");
  intent_only.platform = "slurm";
  for (const JournalEntry& entry : {submitted("a", "ray", "raysubmit_1"), submitted("b", "local", "job-1"),
                                    intent_only, submitted("c", "ray", "raysubmit_2")}) {
    ASSERT_TRUE(journal_.put(entry).has_value());
  }
  std::vector<std::string> streamed;
  auto each = [&](JournalEntry&& entry) {
    streamed.push_back(entry.submission_id);
    return true;
  };
  ASSERT_TRUE(journal_.for_each({}, each).has_value());
  EXPECT_EQ(streamed, ids_of(*journal_.entries()));
  streamed.clear();
  ASSERT_TRUE(journal_.for_each({}, [&](JournalEntry&& entry) { return each(std::move(entry)) && streamed.size() < 2; })
                  .has_value());
  EXPECT_EQ(streamed, (std::vector<std::string>{"c", "in-flight"}));  // stopped when asked

  // The platforms of submitted entries only (the slurm intent has no native id), of the entries selected.
  EXPECT_EQ(*journal_.platforms(), (std::vector<std::string>{"local", "ray"}));
  EXPECT_EQ(*journal_.platforms({.limit = 2}), (std::vector<std::string>{"ray"}));

  std::vector<std::string> first, second;
  Journal other(directory_);  // another process's connection
  auto read = journal_.read_snapshot([&]() -> Result<void> {
    streamed.clear();
    if (auto r = journal_.for_each({}, each); !r) return r;
    first = streamed;
    EXPECT_TRUE(other.put(submitted("d", "local", "job-2")).has_value());
    streamed.clear();
    if (auto r = journal_.for_each({}, each); !r) return r;
    second = streamed;
    return {};
  });
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.size(), 4u);
  EXPECT_EQ(journal_.count().value_or(0), 5u);  // seen once the snapshot ends
  EXPECT_TRUE(Journal(temp_.path() + "/none").read_snapshot([] { return Result<void>(); }).has_value());
}

TEST_F(JournalTest, FilesArePrivate) {
  const mode_t saved = ::umask(0);  // whatever the user's umask, the journal is theirs alone
  const auto written = journal_.put(intent("sub-1"));
  ::umask(saved);
  ASSERT_TRUE(written.has_value()) << written.error().message;
  EXPECT_EQ(permissions_of(directory_), 0700u);
  EXPECT_EQ(permissions_of(journal_.file()), 0600u);
  // SQLite's write-ahead log and its index, there while the journal is open.
  EXPECT_EQ(permissions_of(journal_.file().string() + "-wal"), 0600u);
  EXPECT_EQ(permissions_of(journal_.file().string() + "-shm"), 0600u);
  EXPECT_TRUE(is_valid_journal(journal_.file()));
  EXPECT_EQ(sql(journal_.file(), "PRAGMA journal_mode"), "wal\n");
}

TEST_F(JournalTest, OptionsMustBeAJsonObject) {
  ASSERT_TRUE(journal_.put(intent("good")).has_value());
  JournalEntry bad = intent("bad");
  bad.options_json = "[1";
  const auto written = journal_.put(bad);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().message, "the platform options of submission bad are not a JSON object");
  EXPECT_EQ(ids_of(*journal_.entries()), (std::vector<std::string>{"good"}));
}

TEST_F(JournalTest, CorruptJournalIsReportedAndNeverReplaced) {
  fs::create_directories(directory_);
  const std::string garbage = "[{\"submission_id\": \"x\", this is no database at all";
  std::ofstream(journal_.file()) << garbage;

  const auto written = journal_.put(intent("sub-1"));
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, ErrorCode::kInternal);
  EXPECT_EQ(written.error().message, "the journal " + journal_.file().string() +
                                         " is corrupt (file is not a database); it was left untouched: move it away "
                                         "to start a new one");
  EXPECT_EQ(read_text(journal_.file()), garbage);

  const auto entries = Journal(directory_).entries();
  ASSERT_FALSE(entries.has_value());
  EXPECT_NE(entries.error().message.find("is corrupt"), std::string::npos);
  EXPECT_EQ(read_text(journal_.file()), garbage);
}

TEST_F(JournalTest, DamagedPagesAreReportedAsCorruption) {
  {
    Journal writer(directory_);
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(writer.put(intent("sub-" + std::to_string(i))).has_value());
  }
  // Every change moved from the log into the main file, and the log emptied, before the damage.
  ASSERT_EQ(sql(journal_.file(), "PRAGMA wal_checkpoint(TRUNCATE)"), "0\n0\n0\n");
  {
    std::fstream file(journal_.file(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096);  // the second page, the table's first: its header too
    file << std::string(4096, '\xff');
  }
  const auto entries = journal_.entries();
  ASSERT_FALSE(entries.has_value());
  EXPECT_NE(entries.error().message.find("the journal " + journal_.file().string() + " is corrupt ("),
            std::string::npos)
      << entries.error().message;
}

TEST_F(JournalTest, AnotherProgramsDatabaseIsRefused) {
  fs::create_directories(directory_);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(journal_.file().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE notes (text)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  const auto written = journal_.put(intent("sub-1"));
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().message, "the file " + journal_.file().string() +
                                         " is not a dlaunch journal; it was left untouched: move it away to start "
                                         "a new journal");
  EXPECT_EQ(sql(journal_.file(), "SELECT name FROM sqlite_schema"), "notes\n");
}

TEST_F(JournalTest, AJournalOfANewerSchemaIsRefused) {
  ASSERT_TRUE(journal_.put(intent("sub-1")).has_value());
  EXPECT_EQ(sql(journal_.file(), "PRAGMA user_version = 4"), "");
  const auto entries = Journal(directory_).entries();
  ASSERT_FALSE(entries.has_value());
  EXPECT_NE(entries.error().message.find("has schema version 4, which this dlaunch does not know"), std::string::npos)
      << entries.error().message;
}

TEST_F(JournalTest, KeepsEachJobsDocumentApartFromItsEntry) {
  JournalEntry entry = intent("sub-1");
  entry.document_json = R"({"name":"mnist-ddp"})";
  ASSERT_TRUE(journal_.put(entry).has_value());
  entry.state = JournalEntry::State::kSubmitted;
  entry.native_id = "n-1";
  entry.document_json = "";  // later writes leave the document as first written
  ASSERT_TRUE(journal_.put(entry).has_value());
  EXPECT_EQ(journal_.document("sub-1").value(), R"({"name":"mnist-ddp"})");
  EXPECT_EQ(journal_.find("sub-1").value()->document_json, "");  // lists read no documents
  EXPECT_EQ(journal_.document("no-such").value(), "");
}

TEST_F(JournalTest, AVersion1JournalIsMigratedKeepingEveryEntry) {
  // A journal as dlaunch wrote it before documents were kept (schema version 1).
  fs::create_directories(directory_);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(journal_.file().c_str(), &db), SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_EQ(sql(journal_.file(), R"(
    CREATE TABLE jobs (submission_id TEXT PRIMARY KEY NOT NULL, platform TEXT NOT NULL, job_name TEXT NOT NULL,
      spec_file TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('intent', 'submitted', 'failed')),
      native_id TEXT NOT NULL, error TEXT NOT NULL, options TEXT NOT NULL, created_ms INTEGER NOT NULL,
      updated_ms INTEGER NOT NULL);
    CREATE INDEX jobs_by_native_id ON jobs (native_id, platform);
    CREATE INDEX jobs_by_time ON jobs (created_ms);
    INSERT INTO jobs VALUES ('old-1', 'local', 'old', '/old.toml', 'submitted', 'old-n', '', '{}', 1, 1);
    INSERT INTO jobs VALUES ('old-2', 'local', 'old', '/old.toml', 'intent', '', '', '{}', 1, 1);
    INSERT INTO jobs VALUES ('old-3', 'local', 'old', '/old.toml', 'failed', '', 'no', '{}', 1, 1);
    PRAGMA application_id = 1684818481; PRAGMA user_version = 1;)"),
            "");
  const auto entries = journal_.entries();
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  // Newest first; of one time, the last written first: the rows kept their order.
  EXPECT_EQ(ids_of(*entries), (std::vector<std::string>{"old-3", "old-2", "old-1"}));
  EXPECT_EQ(sql(journal_.file(), "PRAGMA user_version"), "3\n");
  // Version 3 names the states as the client API does (migrate_to_version_3).
  EXPECT_EQ(sql(journal_.file(), "SELECT state FROM jobs ORDER BY submission_id"),
            "submitted\nsubmitting\nsubmit_failed\n");
  EXPECT_EQ((*entries)[1].state, JournalEntry::State::kIntent);
  EXPECT_EQ((*entries)[0].state, JournalEntry::State::kFailed);
  EXPECT_EQ(journal_.document("old-1").value(), "");
  JournalEntry entry = intent("new-1");
  entry.document_json = "{}";
  ASSERT_TRUE(journal_.put(entry).has_value());
  EXPECT_EQ(journal_.document("new-1").value(), "{}");
  EXPECT_TRUE(is_valid_journal(journal_.file()));
}

TEST_F(JournalTest, SettlingNeverOverwritesAnOutcomeJournaledMeanwhile) {
  ASSERT_TRUE(journal_.put(intent("sub-1")).has_value());
  JournalEntry answered = intent("sub-1");
  answered.state = JournalEntry::State::kSubmitted;
  answered.native_id = "n-1";
  ASSERT_TRUE(journal_.put(answered).has_value());  // the live submit's answer, first
  JournalEntry stale = intent("sub-1");
  stale.state = JournalEntry::State::kFailed;
  stale.error = "never reached it";
  EXPECT_EQ(journal_.settle(stale).value(), false);
  EXPECT_EQ(journal_.find("sub-1").value()->native_id, "n-1");
  ASSERT_TRUE(journal_.put(intent("sub-2")).has_value());
  JournalEntry found = intent("sub-2");
  found.state = JournalEntry::State::kSubmitted;
  found.native_id = "n-2";
  EXPECT_EQ(journal_.settle(found).value(), true);
  EXPECT_EQ(journal_.find("local:n-2").value()->submission_id, "sub-2");
}

TEST_F(JournalTest, UnknownStateIsCorruption) {
  ASSERT_TRUE(journal_.put(intent("x")).has_value());
  EXPECT_EQ(sql(journal_.file(), "PRAGMA ignore_check_constraints = 1; UPDATE jobs SET state = 'exploded'"), "");
  const auto entries = journal_.entries();
  ASSERT_FALSE(entries.has_value());
  EXPECT_NE(entries.error().message.find("is corrupt (entry x has an unknown state)"), std::string::npos)
      << entries.error().message;
}

TEST(JournalDefaultDirectory, FollowsXdgStateHome) {
  const char* saved = std::getenv("XDG_STATE_HOME");
  const std::string previous = saved != nullptr ? saved : "";
  ::setenv("XDG_STATE_HOME", "/some/state", 1);
  EXPECT_EQ(Journal::default_directory(), fs::path("/some/state/dlaunch"));
  if (saved != nullptr) {
    ::setenv("XDG_STATE_HOME", previous.c_str(), 1);
  } else {
    ::unsetenv("XDG_STATE_HOME");
  }
}

// ---- Moving a JSON journal (an earlier dlaunch's) into the database ---------------------------------------

// A journal.json as the earlier dlaunch wrote it: oldest first, pretty-printed.
constexpr const char* kJsonJournal = R"([
  {
    "submission_id": "s1",
    "platform": "local",
    "job_name": "first",
    "spec_file": "/abs/a.toml",
    "state": "submitted",
    "native_id": "first-1a2b",
    "error": "",
    "options": {"stop_grace_seconds": 5},
    "created_ms": 1700000000000,
    "updated_ms": 1700000000100
  },
  {
    "submission_id": "s2",
    "platform": "ray",
    "job_name": "second",
    "spec_file": "",
    "state": "failed",
    "native_id": "",
    "error": "cannot reach http://10.0.0.1:8265",
    "options": {},
    "created_ms": 1700000001000,
    "updated_ms": 1700000001000
  }
]
)";

TEST_F(JournalTest, AJsonJournalIsMovedInOnFirstUseAndKept) {
  fs::create_directories(directory_);
  const fs::path json = directory_ / "journal.json";
  std::ofstream(json) << kJsonJournal;
  std::ofstream(directory_ / "journal.lock") << "";
  std::ofstream(directory_ / "journal.json.tmp-999999") << "[";  // of an earlier writer that was killed

  testing::internal::CaptureStderr();
  const auto entries = journal_.entries();
  const std::string said = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  ASSERT_EQ(ids_of(*entries), (std::vector<std::string>{"s2", "s1"}));
  const JournalEntry& first = (*entries)[1];
  EXPECT_EQ(first.handle(), "local:first-1a2b");
  EXPECT_EQ(first.job_name, "first");
  EXPECT_EQ(first.spec_file, "/abs/a.toml");
  EXPECT_EQ(first.state, JournalEntry::State::kSubmitted);
  EXPECT_EQ(first.options_json, R"({"stop_grace_seconds":5})");
  EXPECT_EQ(first.created_ms, 1700000000000);
  EXPECT_EQ(first.updated_ms, 1700000000100);
  EXPECT_EQ((*entries)[0].state, JournalEntry::State::kFailed);
  EXPECT_EQ((*entries)[0].error, "cannot reach http://10.0.0.1:8265");

  EXPECT_EQ(said, "dlaunch: moved the 2 jobs of " + json.string() + " into " + journal_.file().string() +
                      "; the old file is kept as " + json.string() + ".migrated\n");
  EXPECT_FALSE(fs::exists(json));
  EXPECT_EQ(read_text(json.string() + ".migrated"), kJsonJournal);
  EXPECT_FALSE(fs::exists(directory_ / "journal.lock"));
  EXPECT_FALSE(fs::exists(directory_ / "journal.json.tmp-999999"));

  // Said once: the next use finds only the database.
  testing::internal::CaptureStderr();
  EXPECT_EQ(Journal(directory_).count().value_or(0), 2u);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

// A process killed after the move but before the rename leaves both: the next one moves it again, and what the
// database already holds (perhaps updated since) is kept as it is.
TEST_F(JournalTest, AJsonJournalMovedTwiceAddsOnlyWhatIsMissing) {
  JournalEntry newer = intent("s1");
  newer.job_name = "written-since";
  ASSERT_TRUE(journal_.put(newer).has_value());
  std::ofstream(directory_ / "journal.json") << kJsonJournal;

  testing::internal::CaptureStderr();
  const auto entries = Journal(directory_).entries();
  testing::internal::GetCapturedStderr();
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ(Journal(directory_).find("s1")->value().job_name, "written-since");
  EXPECT_EQ(Journal(directory_).find("s2")->value().job_name, "second");
}

TEST_F(JournalTest, ACorruptJsonJournalIsReportedAndLeftInPlace) {
  fs::create_directories(directory_);
  const fs::path json = directory_ / "journal.json";
  const std::string garbage = "[{\"submission_id\": \"x\", ";
  std::ofstream(json) << garbage;
  const auto written = journal_.put(intent("sub-1"));
  ASSERT_FALSE(written.has_value());
  EXPECT_NE(written.error().message.find("the journal " + json.string() + " is corrupt ("), std::string::npos)
      << written.error().message;
  EXPECT_EQ(read_text(json), garbage);
  EXPECT_FALSE(fs::exists(json.string() + ".migrated"));
  EXPECT_FALSE(Journal(directory_).find("sub-1").has_value());  // still refused: nothing written meanwhile
}

TEST_F(JournalTest, AJsonJournalNestedTooDeepIsCorruptNotACrash) {
  fs::create_directories(directory_);
  const fs::path json = directory_ / "journal.json";
  std::ofstream(json) << std::string(200000, '[') << std::string(200000, ']');
  const auto written = journal_.put(intent("sub-1"));
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().message, "the journal " + json.string() +
                                         " is corrupt (arrays and objects nested deeper than 512 levels); it was "
                                         "left untouched: move it away to start a new one");
  EXPECT_FALSE(fs::exists(json.string() + ".migrated"));
}

// ---- Concurrency and crashes, with real processes ---------------------------------------------------------

// Forks a child running `body`; the child exits 0 when body returns true.
template <typename Body>
pid_t fork_child(Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body() ? 0 : 1);
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST_F(JournalTest, ParallelWriterProcessesLoseNothing) {
  constexpr int kWriters = 8;
  constexpr int kEntriesEach = 25;
  std::vector<pid_t> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.push_back(fork_child([&] {
      Journal journal(directory_);  // all 8 create the new database at once
      for (int i = 0; i < kEntriesEach; ++i) {
        if (auto put = journal.put(intent("w" + std::to_string(w) + "-" + std::to_string(i))); !put) {
          std::fprintf(stderr, "writer %d: %s\n", w, put.error().message.c_str());
          return false;
        }
      }
      return true;
    }));
  }
  for (const pid_t pid : writers) {
    const int status = wait_for(pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer " << pid << " failed";
  }

  ASSERT_TRUE(is_valid_journal(journal_.file()));
  const auto entries = journal_.entries();
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  EXPECT_EQ(entries->size(), std::size_t{kWriters * kEntriesEach});
  std::set<std::string> ids;
  for (const JournalEntry& entry : *entries) ids.insert(entry.submission_id);
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kEntriesEach; ++i) {
      EXPECT_TRUE(ids.contains("w" + std::to_string(w) + "-" + std::to_string(i)));
    }
  }
}

TEST_F(JournalTest, ParallelProcessesMoveAJsonJournalOnce) {
  fs::create_directories(directory_);
  std::ofstream(directory_ / "journal.json") << kJsonJournal;
  std::vector<pid_t> readers;
  for (int r = 0; r < 4; ++r) {
    readers.push_back(fork_child([&] {
      auto entries = Journal(directory_).entries();
      return entries && entries->size() == 2;
    }));
  }
  for (const pid_t pid : readers) {
    const int status = wait_for(pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "process " << pid << " failed";
  }
  EXPECT_EQ(journal_.count().value_or(0), 2u);
  EXPECT_TRUE(fs::exists(directory_ / "journal.json.migrated"));
}

// A writer killed at an arbitrary moment (SIGKILL: no cleanup) leaves a journal that SQLite finds intact and
// that holds every entry whose put() had returned. The child reports each success through a pipe before going
// on.
TEST_F(JournalTest, WriterKilledMidWriteLosesNoCompletedEntry) {
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int acks[2];
    ASSERT_EQ(::pipe(acks), 0);
    const pid_t writer = fork_child([&] {
      ::close(acks[0]);
      Journal journal(directory_);
      for (int i = 0;; ++i) {
        if (!journal.put(intent("r" + std::to_string(round) + "-" + std::to_string(i)))) return false;
        if (::write(acks[1], &i, sizeof i) != sizeof i) return false;
      }
    });
    ::close(acks[1]);
    // Once it writes (creating the journal takes longer than a write), at some moment within the next ones.
    std::vector<int> completed;
    int index = 0;
    ASSERT_EQ(::read(acks[0], &index, sizeof index), static_cast<ssize_t>(sizeof index)) << "a put failed";
    completed.push_back(index);
    std::this_thread::sleep_for(std::chrono::milliseconds(3 + 7 * round));
    ::kill(writer, SIGKILL);
    const int status = wait_for(writer);
    EXPECT_TRUE(WIFSIGNALED(status)) << "the writer ended on its own: a put failed";
    while (::read(acks[0], &index, sizeof index) == sizeof index) completed.push_back(index);
    ::close(acks[0]);
    EXPECT_GT(completed.size(), 1u) << "killed before its second put";

    ASSERT_TRUE(is_valid_journal(journal_.file()));
    const auto entries = Journal(directory_).entries();
    ASSERT_TRUE(entries.has_value()) << entries.error().message;
    std::set<std::string> ids;
    for (const JournalEntry& entry : *entries) ids.insert(entry.submission_id);
    for (const int i : completed) {
      EXPECT_TRUE(ids.contains("r" + std::to_string(round) + "-" + std::to_string(i))) << "lost entry " << i;
    }
  }
  // The next writer goes on from whatever the killed ones left.
  ASSERT_TRUE(journal_.put(intent("after")).has_value());
  EXPECT_TRUE(journal_.find("after")->has_value());
}

}  // namespace
}  // namespace dlaunch
