// The scripting contract (docs/cli.md#conventions): the handle on stdout in every mode, exactly one JSON
// document on stdout under -o json (errors too), `run SPEC -- ARGS...` and `run -`. Checked the way scripts use
// dlaunch: through /bin/sh, with python3 reading the JSON.
#include <regex>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

class ScriptingTest : public CliTest {
 protected:
  // Runs `command` with stdout to a file, then python3 on that file: `check` is a Python expression on `d`,
  // the parsed document. Returns dlaunch's exit code, or 99 when the document does not parse or the check fails.
  test::ProcessResult json_check(const std::string& command, const std::string& check) {
    spec("check.py", "import json, sys\nd = json.load(open('out.json'))\nsys.exit(0 if (" + check + ") else 1)\n");
    return shell(command + " >out.json; rc=$?; python3 check.py || { cat out.json >&2; exit 99; }; exit $rc");
  }
};

const std::regex kHandleLine("local:[a-z0-9-]+-[0-9a-f]{6}");

TEST_F(ScriptingTest, TheHandleIsAloneOnTheLastLineOfStdoutInEveryMode) {
  spec("ok.toml", role("w", "\"echo out-$RANK\"", 2));
  spec("bad.toml", role("w", "\"echo partial; printf no-newline; exit 3\""));
  for (const char* mode : {"", "--wait", "-w", "--follow"}) {
    auto r = shell(std::string("H=$($DLAUNCH run ok.toml ") + mode + "); rc=$?; printf '%s' \"$H\" | tail -n 1; exit $rc");
    EXPECT_EQ(r.exit_code, 0) << mode << r.err;
    EXPECT_TRUE(std::regex_match(r.out, kHandleLine)) << mode << ": " << r.out;
  }
  // --wait alone: stdout is the handle and nothing else, so H=$(...) holds exactly it.
  auto waited = shell("$DLAUNCH run ok.toml --wait");
  EXPECT_TRUE(std::regex_match(waited.out, std::regex("local:ok-[0-9a-f]{6}\n"))) << waited.out;
  // --follow: the job's output first, the handle last, even after output without a final newline.
  auto failed = shell("$DLAUNCH run bad.toml --follow");
  EXPECT_EQ(failed.exit_code, 3) << failed.err;
  EXPECT_NE(failed.out.find("[w/0] partial\n"), std::string::npos) << failed.out;
  EXPECT_TRUE(std::regex_match(test::last_line(failed.out), kHandleLine)) << failed.out;
  EXPECT_NE(failed.err.find("FAILED (exit 3)"), std::string::npos) << failed.err;
}

TEST_F(ScriptingTest, UnderOutputJsonStdoutIsOneDocumentNamingHandleAndPlatform) {
  spec("ok.toml", role("w", "\"echo out-$RANK\"", 2));
  // The issue's own command line.
  auto piped = shell("$DLAUNCH run ok.toml -f -o json | python3 -m json.tool");
  EXPECT_EQ(piped.exit_code, 0) << piped.out << piped.err;
  EXPECT_NE(piped.err.find("[w/1] out-1"), std::string::npos) << piped.err;  // the job's output: stderr

  const std::string has_handle = "d['handle'].startswith('local:ok-') and d['platform'] == 'local'";
  for (const char* mode : {"", "--wait", "--follow"}) {
    auto r = json_check(std::string("$DLAUNCH run ok.toml -o json ") + mode, has_handle);
    EXPECT_EQ(r.exit_code, 0) << mode << r.err;
  }
  auto run = dlaunch({"run", dir_.path() + "/ok.toml"});
  const std::string handle = test::last_line(run.out);
  EXPECT_EQ(json_check("$DLAUNCH status " + handle + " --wait -o json",
                                  "d['handle'] == '" + handle + "' and d['state'] == 'SUCCEEDED'").exit_code, 0);
  EXPECT_EQ(json_check("$DLAUNCH list -o json", "all(j['handle'] and j['platform'] for j in d)").exit_code, 0);
  EXPECT_EQ(json_check("$DLAUNCH list -p local -o json",
                                  "len(d) == 5 and all(j['handle'].startswith('local:') and j['platform'] == 'local' for j in d)")
                .exit_code, 0);
}

TEST_F(ScriptingTest, UnderOutputJsonErrorsAreADocumentWithTheSameExitCode) {
  auto missing = json_check("$DLAUNCH status local:nope -o json",
                                       "d['error'] == {'code': 'not_found', 'exit_code': 1, 'message': \"there is no local job 'nope'\"}"
                                       " and d['handle'] == 'local:nope' and d['platform'] == 'local'");
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_EQ(missing.err, "");
  auto usage = json_check("$DLAUNCH run --wiat x.toml --output json",
                                     "d['error']['code'] == 'invalid_request' and d['error']['exit_code'] == 64");
  EXPECT_EQ(usage.exit_code, 64) << usage.err;
  auto unknown = json_check("$DLAUNCH frobnicate -o json", "d['error']['exit_code'] == 64");
  EXPECT_EQ(unknown.exit_code, 64) << unknown.err;
  auto unreadable = json_check("$DLAUNCH run nothere.toml -o json",
                                          "d['valid'] is False and d['error']['code'] == 'unreadable' and "
                                          "d['error']['exit_code'] == 66");
  EXPECT_EQ(unreadable.exit_code, 66) << unreadable.err;
  spec("bad.toml", role("w", "\"true\"", 0));
  auto invalid = json_check("$DLAUNCH validate bad.toml -o json",
                                       "d['error']['exit_code'] == 65 and d['diagnostics'][0]['path'] == 'roles[0].replicas'");
  EXPECT_EQ(invalid.exit_code, 65) << invalid.err;
  auto config = json_check("$DLAUNCH --config absent.toml list -o json",
                                      "d['error']['exit_code'] == 65 and 'cannot read' in d['diagnostics'][0]['message']");
  EXPECT_EQ(config.exit_code, 65) << config.err;
}

TEST_F(ScriptingTest, ArgumentsAfterDashesGoToTheDriverRolesEntrypoint) {
  // An argv entrypoint gets them as they are; a shell command gets them quoted, so the shell keeps each whole.
  auto argv = dlaunch({"run", spec("a.toml", role("t", "[\"printf\", \"<%s>\"]")), "-f", "--", "--lr", "a b", "-v"});
  EXPECT_EQ(argv.exit_code, 0) << argv.err;
  EXPECT_NE(argv.out.find("[t/0] <--lr><a b><-v>"), std::string::npos) << argv.out;
  auto shell_form = dlaunch({"run", spec("s.toml", role("t", "\"printf '<%s>'\"")), "-f", "--", "it's", "$HOME", "*"});
  EXPECT_EQ(shell_form.exit_code, 0) << shell_form.err;
  EXPECT_NE(shell_form.out.find("[t/0] <it's><$HOME><*>"), std::string::npos) << shell_form.out;

  // Only the driver role gets them; two driver roles are a mistake, reported like any other.
  // The driver's exit ends the job, so the chief waits for the worker's line before printing its own.
  const std::string two =
      role("chief", R"toml(["sh", "-c", 'until [ -e worker-done ]; do sleep 0.01; done; printf "chief<%s>" "$1"', "sh"])toml") +
      "driver = true\n" + role("worker", R"toml(["sh", "-c", 'printf "worker<%s>" "$@"; touch worker-done', "sh"])toml");
  auto driver = dlaunch({"run", spec("d.toml", two), "-f", "--", "x"});
  EXPECT_EQ(driver.exit_code, 0) << driver.err;
  EXPECT_NE(driver.out.find("[chief/0] chief<x>"), std::string::npos) << driver.out;
  EXPECT_NE(driver.out.find("[worker/0] worker<>"), std::string::npos) << driver.out;
  const std::string path = spec("two.toml", role("a", "[\"true\"]") + role("b", "[\"true\"]"));
  auto ambiguous = dlaunch({"validate", path, "--", "x"});
  EXPECT_EQ(ambiguous.exit_code, 65) << ambiguous.err;
  EXPECT_NE(ambiguous.err.find("this job has 2 driver roles ('a', 'b')"), std::string::npos) << ambiguous.err;
  // Words after -- are never dlaunch's options.
  auto not_options = dlaunch({"run", spec("n.toml", role("t", "[\"echo\"]")), "-f", "--", "--dry-run", "-o", "json"});
  EXPECT_EQ(not_options.exit_code, 0) << not_options.err;
  EXPECT_NE(not_options.out.find("[t/0] --dry-run -o json"), std::string::npos) << not_options.out;
}

TEST_F(ScriptingTest, RunDashReadsTheSpecFromStdin) {
  auto toml = dlaunch({"run", "-", "--follow"}, role("t", "\"echo piped\""));
  EXPECT_EQ(toml.exit_code, 0) << toml.err;
  EXPECT_NE(toml.out.find("[t/0] piped"), std::string::npos) << toml.out;
  EXPECT_TRUE(std::regex_match(test::last_line(toml.out), std::regex("local:stdin-[0-9a-f]{6}"))) << toml.out;
  auto json = dlaunch({"run", "-", "--follow"}, R"({"name": "from-json", "roles": [{"name": "t", "entrypoint": ["echo", "j"]}]})");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("[t/0] j"), std::string::npos) << json.out;
  auto bad = dlaunch({"validate", "-"}, role("t", "[\"true\"]") + "replicsa = 2\n");
  EXPECT_EQ(bad.exit_code, 65);
  EXPECT_NE(bad.err.find("<stdin>:5:1: error: unknown key 'replicsa'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("<stdin>: 1 error; nothing was submitted"), std::string::npos) << bad.err;
  auto good = dlaunch({"validate", "-"}, role("t", "[\"true\"]"));
  EXPECT_EQ(good.out, "<stdin>: valid for platform 'local'\n");
}

// A pipe that never ends (`yes`) is read up to the spec limit and refused, as a file over it is: in bounded
// time and memory, never until the machine runs out.
TEST_F(ScriptingTest, StdinIsBoundedLikeASpecFile) {
  test::ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  auto endless = test::run_process({"/bin/sh", "-c", "yes | \"$0\" validate -", test::dlaunch_binary()}, options);
  EXPECT_FALSE(endless.timed_out);
  EXPECT_EQ(endless.exit_code, 65) << endless.err;
  EXPECT_NE(endless.err.find("'<stdin>' is over the limit of 16.0 MiB for a job spec"), std::string::npos)
      << endless.err;
}

}  // namespace
}  // namespace dlaunch
