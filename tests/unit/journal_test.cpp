#include <dlaunch/core/journal.hpp>

#include "support/process.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
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

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The journal file parses as a JSON array; its length.
testing::AssertionResult is_valid_journal(const fs::path& file, std::size_t* length = nullptr) {
  rapidjson::Document document;
  document.Parse(read_text(file).c_str());
  if (document.HasParseError()) return testing::AssertionFailure() << file << " is not valid JSON";
  if (!document.IsArray()) return testing::AssertionFailure() << file << " is not a JSON array";
  if (length != nullptr) *length = document.Size();
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

  JournalEntry submitted = first;
  submitted.state = JournalEntry::State::kSubmitted;
  submitted.native_id = "mnist-ddp-7f3a";
  submitted.created_ms = 0;  // put keeps the time the entry was first written
  ASSERT_TRUE(journal_.put(submitted).has_value());

  found = journal_.find("local:mnist-ddp-7f3a");
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->submission_id, "sub-1");
  EXPECT_EQ((*found)->state, JournalEntry::State::kSubmitted);
  EXPECT_EQ((*found)->created_ms, first.created_ms);
  EXPECT_GE((*found)->updated_ms, first.updated_ms);
  EXPECT_EQ(journal_.entries()->size(), 1u);
}

TEST_F(JournalTest, EntriesStayOldestFirstWhenUpdated) {
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(journal_.put(intent(id)).has_value());
  JournalEntry failed = intent("a");
  failed.state = JournalEntry::State::kFailed;
  failed.error = "the platform refused the job";
  ASSERT_TRUE(journal_.put(failed).has_value());
  const auto entries = journal_.entries();
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].submission_id, "a");
  EXPECT_EQ((*entries)[0].state, JournalEntry::State::kFailed);
  EXPECT_EQ((*entries)[0].error, "the platform refused the job");
  EXPECT_EQ((*entries)[2].submission_id, "c");
}

TEST_F(JournalTest, FilesArePrivate) {
  ASSERT_TRUE(journal_.put(intent("sub-1")).has_value());
  EXPECT_EQ(permissions_of(directory_), 0700u);
  EXPECT_EQ(permissions_of(journal_.file()), 0600u);
  EXPECT_EQ(permissions_of(directory_ / "journal.lock"), 0600u);
  EXPECT_TRUE(is_valid_journal(journal_.file()));
}

TEST_F(JournalTest, OptionsMustBeAJsonObject) {
  ASSERT_TRUE(journal_.put(intent("good")).has_value());
  const std::string before = read_text(journal_.file());
  JournalEntry bad = intent("bad");
  bad.options_json = "[1";
  const auto written = journal_.put(bad);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().message, "the platform options of submission bad are not a JSON object");
  EXPECT_EQ(read_text(journal_.file()), before);
}

TEST_F(JournalTest, CorruptJournalIsReportedAndNeverReplaced) {
  fs::create_directories(directory_);
  const std::string garbage = "[{\"submission_id\": \"x\", ";
  std::ofstream(journal_.file()) << garbage;

  const auto written = journal_.put(intent("sub-1"));
  ASSERT_FALSE(written.has_value());
  EXPECT_NE(written.error().message.find("is corrupt"), std::string::npos) << written.error().message;
  EXPECT_NE(written.error().message.find(journal_.file().string()), std::string::npos) << written.error().message;
  EXPECT_EQ(read_text(journal_.file()), garbage);

  const auto entries = journal_.entries();
  ASSERT_FALSE(entries.has_value());
  EXPECT_NE(entries.error().message.find("is corrupt"), std::string::npos);
}

TEST_F(JournalTest, UnknownStateIsCorruption) {
  fs::create_directories(directory_);
  std::ofstream(journal_.file()) << R"([{"submission_id": "x", "state": "exploded"}])";
  const auto entries = journal_.entries();
  ASSERT_FALSE(entries.has_value());
  EXPECT_NE(entries.error().message.find("entry x has an unknown state"), std::string::npos) << entries.error().message;
}

TEST_F(JournalTest, TempFilesOfKilledWritersAreRemovedByTheNextWriter) {
  fs::create_directories(directory_);
  std::ofstream(directory_ / "journal.json.tmp-999999") << "[";
  ASSERT_TRUE(journal_.put(intent("sub-1")).has_value());
  EXPECT_FALSE(fs::exists(directory_ / "journal.json.tmp-999999"));
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
      Journal journal(directory_);
      for (int i = 0; i < kEntriesEach; ++i) {
        if (!journal.put(intent("w" + std::to_string(w) + "-" + std::to_string(i)))) return false;
      }
      return true;
    }));
  }
  for (const pid_t pid : writers) {
    const int status = wait_for(pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer " << pid << " failed";
  }

  std::size_t length = 0;
  ASSERT_TRUE(is_valid_journal(journal_.file(), &length));
  EXPECT_EQ(length, std::size_t{kWriters * kEntriesEach});
  const auto entries = journal_.entries();
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  std::set<std::string> ids;
  for (const JournalEntry& entry : *entries) ids.insert(entry.submission_id);
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kEntriesEach; ++i) {
      EXPECT_TRUE(ids.contains("w" + std::to_string(w) + "-" + std::to_string(i)));
    }
  }
}

// A writer killed at an arbitrary moment (SIGKILL: no cleanup) leaves a journal that still parses and holds
// every entry whose put() had returned. The child reports each success through a pipe before going on.
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
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + 17 * round));
    ::kill(writer, SIGKILL);
    const int status = wait_for(writer);
    EXPECT_TRUE(WIFSIGNALED(status)) << "the writer ended on its own: a put failed";

    std::vector<int> completed;
    int index = 0;
    while (::read(acks[0], &index, sizeof index) == sizeof index) completed.push_back(index);
    ::close(acks[0]);
    ASSERT_FALSE(completed.empty()) << "the writer completed no put before it was killed";

    ASSERT_TRUE(is_valid_journal(journal_.file()));
    const auto entries = journal_.entries();
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
