// The journal through the command line: `prune` forgets only finished jobs older than asked, a damaged journal
// stops every command that needs it with one error naming the file, and an earlier dlaunch's journal.json is
// moved in on first use.
#include <filesystem>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

constexpr int64_t kDayMs = 86'400'000;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(CliTest, PruneForgetsOnlyFinishedJobsOlderThanAsked) {
  auto done = dlaunch({"run", spec("ok.toml", role("t", "[\"true\"]")), "--wait"});
  auto running = dlaunch({"run", spec("r.toml", role("t", "\"sleep 30\""))});
  const std::string done_h = test::last_line(done.out), running_h = test::last_line(running.out);
  ASSERT_EQ(running.exit_code, 0) << running.err;

  // Nothing is that old yet.
  auto none = dlaunch({"prune"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "removed 0 of the 0 jobs submitted more than 30d ago\n");

  // Forty days on: the two jobs, a submit that failed, one interrupted while submitting, and a job of a platform
  // that cannot be asked.
  journal_sql("UPDATE jobs SET created_ms = created_ms - 40 * " + std::to_string(kDayMs));
  const std::string forty_days_ago = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() - 40 * kDayMs);
  journal_sql("INSERT INTO jobs (submission_id, platform, job_name, spec_file, state, native_id, error, options, "
              "created_ms, updated_ms) VALUES "
              "('refused', 'local', 'r', '', 'submit_failed', '', 'no', '{}', " + forty_days_ago + ", " + forty_days_ago + "), "
              "('interrupted', 'local', 'i', '', 'submitting', '', '', '{}', " + forty_days_ago + ", " + forty_days_ago + "), "
              "('elsewhere', 'nowhere', 'e', '', 'submitted', 'e-1', '', '{}', " + forty_days_ago + ", " + forty_days_ago + ")");
  auto younger = dlaunch({"prune", "--older-than", "41d"});
  EXPECT_EQ(younger.out, "removed 0 of the 0 jobs submitted more than 41d ago\n") << younger.err;

  auto local = dlaunch({"prune", "--older-than", "30d", "-p", "local"});
  EXPECT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(local.out, "removed 2 of the 4 jobs submitted more than 30d ago (kept 2: not finished, interrupted "
                       "while submitting, or their state unknown)\n");
  EXPECT_EQ(journal_sql("SELECT submission_id FROM jobs WHERE platform || ':' || native_id != '" + running_h +
                        "' ORDER BY submission_id"),
            "elsewhere\ninterrupted\n");
  EXPECT_EQ(journal_sql("SELECT count(*) FROM jobs WHERE platform || ':' || native_id = '" + running_h + "'"), "1\n");
  EXPECT_EQ(journal_sql("SELECT count(*) FROM jobs WHERE platform || ':' || native_id = '" + done_h + "'"), "0\n");

  // Every platform: the one that cannot be asked is named, and its job kept.
  auto all = dlaunch({"prune", "--older-than", "2w"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_TRUE(has(all.err, "dlaunch: warning: the states of nowhere jobs are unknown: ")) << all.err;
  EXPECT_EQ(all.out, "removed 0 of the 3 jobs submitted more than 2w ago (kept 3: not finished, interrupted while "
                     "submitting, or their state unknown)\n");

  EXPECT_EQ(dlaunch({"stop", running_h}).exit_code, 0);
  auto stopped = dlaunch({"prune", "--older-than", "0s", "-p", "local"});
  EXPECT_EQ(stopped.out, "removed 1 of the 2 jobs submitted more than 0s ago (kept 1: not finished, interrupted "
                         "while submitting, or their state unknown)\n")
      << stopped.err;
}

TEST_F(CliTest, PruneRefusesABadDurationWithOneError) {
  for (const std::string bad : {"3x", "30", "d", "-1d", "1.5h", "99999999999w"}) {
    auto r = dlaunch({"prune", "--older-than", bad});
    EXPECT_EQ(r.exit_code, 64) << bad;
    EXPECT_EQ(r.err.substr(0, r.err.find('\n') + 1),
              "dlaunch prune: error: --older-than '" + bad +
                  "' is not a duration: a whole number and a unit, s, m, h, d or w (e.g. 30d)\n")
        << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_FALSE(std::filesystem::exists(journal_file()));
}

TEST_F(CliTest, ADamagedJournalStopsCommandsWithOneErrorNamingIt) {
  std::filesystem::create_directories(home_.path() + "/state/dlaunch");
  std::ofstream(journal_file()) << "not a database, however long it goes on for";
  const std::string error = "dlaunch: error: the journal " + journal_file() +
                            " is corrupt (file is not a database); it was left untouched: move it away to start a "
                            "new one\n";
  auto list = dlaunch({"list"});
  EXPECT_EQ(list.exit_code, 70);
  EXPECT_EQ(list.err, error);
  auto run = dlaunch({"run", spec("ok.toml", role("t", "[\"true\"]"))});
  EXPECT_EQ(run.exit_code, 70);
  EXPECT_EQ(run.err, error);
  EXPECT_EQ(dlaunch({"prune"}).exit_code, 70);
  std::ifstream in(journal_file());
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "not a database, however long it goes on for");
}

TEST_F(CliTest, AJsonJournalOfAnEarlierDlaunchIsMovedInOnce) {
  const std::string directory = home_.path() + "/state/dlaunch";
  std::filesystem::create_directories(directory);
  std::ofstream(directory + "/journal.json")
      << R"([{"submission_id": "s1", "platform": "local", "job_name": "before", "spec_file": "", "state": "submitted",)"
         R"( "native_id": "before-1a2b", "error": "", "options": {}, "created_ms": 1700000000000, "updated_ms": 1700000000000}])";
  auto list = dlaunch({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(has(list.out, "local:before-1a2b  before  (gone)")) << list.out;
  EXPECT_EQ(list.err, "dlaunch: moved the 1 jobs of " + directory + "/journal.json into " + journal_file() +
                          "; the old file is kept as " + directory + "/journal.json.migrated\n");
  auto again = dlaunch({"list"});
  EXPECT_EQ(again.err, "");
  EXPECT_EQ(again.out, list.out);
}

}  // namespace
}  // namespace dlaunch
