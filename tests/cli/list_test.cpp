// `list` that scales to a person (newest first, a state column, --state, --limit, columns as wide as the names)
// and `logs --tail N`, on the real local platform.
#include <sstream>
#include <thread>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(CliTest, ListIsNewestFirstWithStatesInAlignedColumns) {
  auto ok = dlaunch({"run", spec("ok.toml", role("t", "[\"true\"]")), "--wait"});
  auto failed = dlaunch({"run", spec("fail.toml", role("t", "\"exit 3\"")), "--wait"});
  const std::string long_name = "a-job-name-longer-than-any-column-width-was";
  auto running = dlaunch({"run", spec("r.toml", "name = \"" + long_name + "\"\n" + role("t", "\"sleep 30\""))});
  const std::string ok_h = test::last_line(ok.out), failed_h = test::last_line(failed.out),
                    running_h = test::last_line(running.out);

  auto list = dlaunch({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto lines = lines_of(list.out);
  ASSERT_EQ(lines.size(), 4u) << list.out;
  EXPECT_EQ(lines[1].rfind(running_h + "  " + long_name + "  RUNNING", 0), 0u) << list.out;
  EXPECT_EQ(lines[2].rfind(failed_h, 0), 0u) << list.out;
  EXPECT_EQ(lines[3].rfind(ok_h, 0), 0u) << list.out;
  // Every column starts where its header does, however long the names.
  const size_t state_column = lines[0].find("STATE");
  EXPECT_EQ(lines[1].substr(state_column, 7), "RUNNING") << list.out;
  EXPECT_EQ(lines[2].substr(state_column, 15), "FAILED (exit 3)") << list.out;
  EXPECT_EQ(lines[3].substr(state_column, 9), "SUCCEEDED") << list.out;

  auto only_failed = dlaunch({"list", "--state", "failed"});
  EXPECT_EQ(lines_of(only_failed.out).size(), 2u) << only_failed.out;
  EXPECT_NE(only_failed.out.find(failed_h), std::string::npos) << only_failed.out;
  auto two_states = dlaunch({"list", "--state", "failed,RUNNING", "-o", "json"});
  EXPECT_NE(two_states.out.find("\"state\": \"RUNNING\""), std::string::npos) << two_states.out;
  EXPECT_EQ(two_states.out.find(ok_h), std::string::npos) << two_states.out;

  auto newest = dlaunch({"list", "--limit", "1"});
  EXPECT_EQ(lines_of(newest.out).size(), 2u) << newest.out;
  EXPECT_NE(newest.out.find(running_h), std::string::npos) << newest.out;
  EXPECT_EQ(newest.err, "dlaunch: the newest 1 of 3 jobs shown (--limit N shows more, --limit 0 all)\n");

  // The platform's own list: the same filters, newest first.
  auto platform = dlaunch({"list", "-p", "local", "--state", "running,succeeded"});
  auto platform_lines = lines_of(platform.out);
  ASSERT_EQ(platform_lines.size(), 3u) << platform.out;
  EXPECT_EQ(platform_lines[0].rfind("HANDLE", 0), 0u);
  EXPECT_EQ(platform_lines[1].rfind(running_h, 0), 0u) << platform.out;
  EXPECT_EQ(platform_lines[2].rfind(ok_h, 0), 0u) << platform.out;

  auto typo = dlaunch({"list", "--state", "runnign"});
  EXPECT_EQ(typo.exit_code, 64);
  EXPECT_NE(typo.err.find("did you mean 'RUNNING'?"), std::string::npos) << typo.err;
  EXPECT_EQ(dlaunch({"list", "--limit", "x"}).exit_code, 64);
  EXPECT_EQ(dlaunch({"stop", running_h}).exit_code, 0);
}

// Text: on a terminal, a screenful (its height less the header, the note and the prompt), elsewhere 20. JSON: all.
TEST_F(CliTest, ListShowsAScreenfulOfTextAndEveryJobInJson) {
  ASSERT_EQ(dlaunch({"run", spec("ok.toml", role("t", "[\"true\"]")), "--wait"}).exit_code, 0);
  for (int i = 0; i < 21; ++i) {
    journal_sql("INSERT INTO jobs (submission_id, platform, job_name, spec_file, state, native_id, error, options,"
                " created_ms, updated_ms) VALUES ('s" + std::to_string(i) +
                "', 'local', 'old', '', 'submitted', 'old-" + std::to_string(i) + "', '', '{}', " +
                std::to_string(1000 + i) + ", 0)");
  }
  // script(1) runs it on a terminal 8 lines high (bsdutils: on every Debian).
  auto terminal = shell("script -qec 'stty rows 8 cols 120; \"$DLAUNCH\" list' /dev/null");
  ASSERT_EQ(terminal.exit_code, 0) << terminal.err;
  const auto lines = lines_of(terminal.out);
  ASSERT_EQ(lines.size(), 7u) << terminal.out;  // the header, 5 jobs, the note (stderr, on the same terminal)
  EXPECT_EQ(lines[6], "dlaunch: the newest 5 of 22 jobs shown (--limit N shows more, --limit 0 all)\r") << terminal.out;

  auto piped = dlaunch({"list"});
  EXPECT_EQ(lines_of(piped.out).size(), 21u) << piped.out;
  EXPECT_EQ(piped.err, "dlaunch: the newest 20 of 22 jobs shown (--limit N shows more, --limit 0 all)\n");
  // Every job, streamed from the journal: the same rows in the same columns (the one left out is no wider).
  const auto all = lines_of(dlaunch({"list", "--limit", "0"}).out);
  ASSERT_EQ(all.size(), 23u);
  EXPECT_EQ(std::vector<std::string>(all.begin(), all.begin() + 21), lines_of(piped.out));
  EXPECT_EQ(all[22].rfind("local:old-0 ", 0), 0u) << all[22];
  const std::string json = dlaunch({"list", "-o", "json"}).out;
  EXPECT_EQ(json.rfind("[\n  {\n    \"handle\": ", 0), 0u) << json;
  EXPECT_TRUE(json.ends_with("\n  }\n]\n")) << json;
  size_t jobs = 0;
  for (size_t at = json.find("\"submission_id\""); at != std::string::npos; at = json.find("\"submission_id\"", at + 1)) {
    ++jobs;
  }
  EXPECT_EQ(jobs, 22u) << json;
}

TEST_F(CliTest, LogsTailShowsTheLastLinesThenFollows) {
  auto done = dlaunch({"run", spec("seq.toml", role("t", "\"seq 1 50; printf no-newline\"")), "--wait"});
  const std::string handle = test::last_line(done.out);
  auto tail = dlaunch({"logs", handle, "--tail", "3"});
  EXPECT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_EQ(tail.out.rfind("[t/0] 49\n[t/0] 50\n[t/0] no-newline", 0), 0u) << tail.out;
  EXPECT_EQ(lines_of(tail.out).size(), 3u) << tail.out;
  EXPECT_EQ(dlaunch({"logs", handle, "--tail", "0"}).out, "");

  // While it runs: the last lines so far, then what comes after, each line once.
  auto running = dlaunch({"run", spec("slow.toml", role("t", "\"seq 1 5; sleep 3; seq 6 8\""))});
  const std::string slow = test::last_line(running.out);
  // Until the first five lines are out (the next come 3 s later).
  for (int i = 0; i < 100 && dlaunch({"logs", slow}).out.find("[t/0] 5\n") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto followed = dlaunch({"logs", slow, "--tail", "2", "-f"});
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_EQ(followed.out, "[t/0] 4\n[t/0] 5\n[t/0] 6\n[t/0] 7\n[t/0] 8\n") << followed.out;
}

}  // namespace
}  // namespace dlaunch
