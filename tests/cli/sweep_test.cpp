// Sweeps on the local platform: the cartesian product as jobs with their values, nothing submitted when one
// combination is wrong, and a sweep's handle for status and stop.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

namespace fs = std::filesystem;

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) found.push_back(line);
  }
  return found;
}

TEST_F(CliTest, ATwoByTwoSweepRunsFourJobsEachWithItsValues) {
  // batch from the spec's [sweep], lr from the command line; batch is first, so it changes slowest.
  std::string path = spec("train.toml", "name = \"train\"\n[sweep]\nbatch = [32, 64]\n" +
                                            role("w", "\"echo lr=$LR batch=$BATCH\"", 2));
  auto run = dlaunch({"run", path, "--sweep", "lr=1e-3,1e-4", "--wait"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto handles = lines_starting(run.out, "local:");
  ASSERT_EQ(handles.size(), 4u) << run.out;
  const std::string sweep = test::last_line(run.out);
  EXPECT_EQ(sweep.rfind("sweep:train-", 0), 0u) << run.out;

  const char* expected[] = {"lr=1e-3 batch=32", "lr=1e-4 batch=32", "lr=1e-3 batch=64", "lr=1e-4 batch=64"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(handles[i].rfind("local:train-" + std::to_string(i) + "-", 0), 0u) << handles[i];
    auto logs = dlaunch({"logs", handles[i]});
    EXPECT_NE(logs.out.find(std::string("[w/0] ") + expected[i]), std::string::npos) << i << ": " << logs.out;
    EXPECT_NE(logs.out.find(std::string("[w/1] ") + expected[i]), std::string::npos) << i << ": " << logs.out;
  }
  // The values are the job's labels too, in the document the platform got.
  std::ifstream document(home_.path() + "/state/dlaunch/plugins/local/jobs/" + handles[3].substr(6) + "/job.json");
  std::string json(std::istreambuf_iterator<char>(document), {});
  EXPECT_NE(json.find("\"lr\":\"1e-4\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"batch\":\"64\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"sweep\":\"" + sweep.substr(6) + "\""), std::string::npos) << json;

  // list says which sweep each job is of; status of the sweep's handle shows all four.
  auto list = dlaunch({"list"});
  EXPECT_EQ(lines_starting(list.out, "local:train-").size(), 4u) << list.out;
  EXPECT_NE(list.out.find("SWEEP"), std::string::npos) << list.out;
  auto status = dlaunch({"status", sweep});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(lines_starting(status.out, "local:train-").size(), 4u) << status.out;
}

TEST_F(CliTest, ASweepWithAWrongCombinationSubmitsNothingAndNamesEveryProblem) {
  // replicas = 0 is wrong in two of the four jobs; the second --sweep is malformed.
  std::string path = spec("bad.toml", "name = \"bad\"\n[sweep]\n\"roles.w.replicas\" = [1, 0]\n" +
                                          role("w", "\"echo $LR\""));
  auto run = dlaunch({"run", path, "--sweep", "lr=0.1,0.2", "--sweep", "batch"});
  EXPECT_EQ(run.exit_code, 65) << run.err;
  EXPECT_NE(run.err.find("<sweep 2>:1:1: error: --sweep 'batch' is not KEY=V1,V2,..."), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("nothing was submitted"), std::string::npos) << run.err;
  EXPECT_EQ(journal_text(), "");

  // With the options right, the wrong value is pointed at in the spec, for the jobs it makes.
  auto fixed = dlaunch({"run", path, "--sweep", "lr=0.1,0.2"});
  EXPECT_EQ(fixed.exit_code, 65) << fixed.err;
  EXPECT_NE(fixed.err.find(path + ":3:26: error: replicas must be at least 1, got 0 (sweep jobs 2, 3)"),
            std::string::npos)
      << fixed.err;
  EXPECT_EQ(journal_text(), "");
  EXPECT_FALSE(fs::exists(home_.path() + "/state/dlaunch/plugins/local/jobs/bad-0"));

  // A [sweep] without keys would make no job at all.
  auto empty = dlaunch({"run", spec("empty.toml", "name = \"e\"\n[sweep]\n" + role("w", "\"true\""))});
  EXPECT_EQ(empty.exit_code, 65) << empty.err;
  EXPECT_NE(empty.err.find(":2:1: error: sweep has no key: it would make no job"), std::string::npos) << empty.err;
}

TEST_F(CliTest, ASweepOnATerminalShowsItsProgressUnlessAskedForPlainOutput) {
  const std::string path = spec("quick.toml", "name = \"quick\"\n" + role("w", "\"true\""));
  // script(1) runs dlaunch on a terminal (bsdutils: on every Debian); stderr goes to that terminal too.
  const auto on_terminal = [&](const std::string& environment) {
    return shell("script -qec '" + environment + " \"$DLAUNCH\" run " + path + " --sweep seed=1,2,3' /dev/null");
  };
  auto shown = on_terminal("TERM=xterm");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("\r\033[Kdlaunch: submitted 3 of 3 jobs"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("sweep:quick-"), std::string::npos) << shown.out;
  for (const std::string plain : {"TERM=xterm NO_COLOR=1", "TERM=dumb"}) {
    auto quiet = on_terminal(plain);
    ASSERT_EQ(quiet.exit_code, 0) << plain << ": " << quiet.err;
    EXPECT_NE(quiet.out.find("sweep:quick-"), std::string::npos) << plain << ": " << quiet.out;
    EXPECT_EQ(quiet.out.find("\033"), std::string::npos) << plain << ": " << quiet.out;
  }
  // Piped, as every other test runs it: no progress either.
  auto piped = dlaunch({"run", path, "--sweep", "seed=4,5"});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find("\033"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("submitted 2 of 2"), std::string::npos) << piped.err;
}

TEST_F(CliTest, StoppingASweepByItsHandleStopsEveryJob) {
  auto run = dlaunch({"run", spec("long.toml", "name = \"long\"\n" + role("w", "\"sleep 600\"")), "--sweep",
                      "seed=1,2,3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string sweep = test::last_line(run.out);
  auto stop = dlaunch({"stop", sweep});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(lines_starting(stop.err, "dlaunch: stopped local:long-").size(), 3u) << stop.err;
  auto waited = dlaunch({"status", sweep, "--wait"});
  EXPECT_EQ(waited.exit_code, 1) << waited.err;  // stopped jobs did not succeed
  EXPECT_EQ(lines_starting(waited.out, "local:long-").size(), 3u) << waited.out;
  EXPECT_EQ(waited.out.find("RUNNING"), std::string::npos) << waited.out;
  EXPECT_EQ(waited.out.find("SUCCEEDED"), std::string::npos) << waited.out;
}

}  // namespace
}  // namespace dlaunch
