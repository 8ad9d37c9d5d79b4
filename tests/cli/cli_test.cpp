// The dlaunch command line, driven as a user would: the built binary, real spec files, the real local
// platform running real processes. Every test has its own state, config and data directories.
#include <dlaunch/plugin.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

namespace fs = std::filesystem;
using test::ProcessResult;

// The processes of group `pgid` that still run (zombies, already dead, do not count), read from /proc.
int running_in_group(pid_t pgid) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat(std::istreambuf_iterator<char>(in), {});
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    char state = 0;
    pid_t ppid = 0, group = 0;
    if (rest >> state >> ppid >> group && group == pgid && state != 'Z') ++count;
  }
  return count;
}

// The pid a replica wrote into `file` once started, or 0 while it has not.
pid_t pid_in(const std::string& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

TEST_F(CliTest, UsageErrorsExit64) {
  EXPECT_EQ(dlaunch({}).exit_code, 64);
  auto unknown = dlaunch({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 64);
  EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
  EXPECT_EQ(dlaunch({"run"}).exit_code, 64);
  auto handle = dlaunch({"status", "no-colon"});
  EXPECT_EQ(handle.exit_code, 64);
  EXPECT_NE(handle.err.find("PLATFORM:NATIVE_ID"), std::string::npos);
  EXPECT_EQ(dlaunch({"run", "x.toml", "--bogus"}).exit_code, 64);
  auto missing = dlaunch({"validate"});
  EXPECT_EQ(missing.exit_code, 64);
  EXPECT_NE(missing.err.find("missing SPEC"), std::string::npos) << missing.err;
}

TEST_F(CliTest, VersionPrintsOnlyTheVersion) {
  for (const char* form : {"version", "--version"}) {
    auto r = dlaunch({form});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("dlaunch 1.", 0), 0u) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
}

TEST_F(CliTest, LogsFollowEndsWhenItsReaderGoesAway) {
  auto run = dlaunch({"run", spec("ticker.toml", role("t", "\"while true; do echo tick; sleep 0.1; done\""))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string handle = test::last_line(run.out);
  test::ProcessOptions options;
  options.env = {{"XDG_STATE_HOME", home_.path() + "/state"}, {"XDG_CONFIG_HOME", home_.path() + "/config"}};
  options.timeout = std::chrono::seconds(30);
  auto piped = test::run_process({"/bin/sh", "-c", test::dlaunch_binary() + " logs -f " + handle + " | head -n 1"}, options);
  EXPECT_FALSE(piped.timed_out);
  EXPECT_EQ(piped.out, "[t/0] tick\n");
  EXPECT_EQ(dlaunch({"stop", handle}).exit_code, 0);
}

TEST_F(CliTest, HelpDocumentsTheExitCodes) {
  auto help = dlaunch({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* code : {"64 ", "65 ", "66 ", "69 ", "70 ", "75 ", "77 "}) {
    EXPECT_NE(help.out.find(std::string("\n  ") + code), std::string::npos) << code;
  }
  auto run_help = dlaunch({"run", "--help"});
  EXPECT_EQ(run_help.exit_code, 0);
  EXPECT_NE(run_help.out.find("--dry-run"), std::string::npos);
}

TEST_F(CliTest, AMissingSpecExits66) {
  auto r = dlaunch({"validate", dir_.path() + "/nope.toml"});
  EXPECT_EQ(r.exit_code, 66);
  EXPECT_NE(r.err.find("nope.toml"), std::string::npos);
}

TEST_F(CliTest, AFifoIsRefusedAtOnceWithExit66) {
  const std::string path = dir_.path() + "/job.toml";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  test::ProcessOptions options;
  options.env = {{"XDG_STATE_HOME", home_.path() + "/state"}, {"XDG_CONFIG_HOME", home_.path() + "/config"}};
  options.timeout = std::chrono::seconds(10);  // it used to wait for a writer forever
  auto r = test::run_dlaunch({"validate", path}, options);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 66);
  EXPECT_NE(r.err.find("cannot read '" + path + "': not a regular file (a FIFO)"), std::string::npos) << r.err;
}

TEST_F(CliTest, DeeplyNestedJsonIsALocatedErrorWithExit65) {
  // 200,000 '[' crashed the recursive JSON parser (exit 139).
  const std::string path = spec("deep.json", "{\"a\": " + std::string(200000, '[') + "\n");
  auto r = dlaunch({"validate", path});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_NE(r.err.find(path + ":1:262: error: arrays and objects nested deeper than 256 levels"), std::string::npos)
      << r.err;
}

TEST_F(CliTest, FiveMistakesGiveFiveLocatedDiagnosticsAndExit65) {
  std::string path = spec("bad.toml",
                          "name = \"Bad_Name\"\n"
                          "[[roles]]\n"
                          "name = \"trainer\"\n"
                          "entrypoint = [\"python3\", \"train.py\"]\n"
                          "replicsa = 2\n"
                          "replicas = 2.5\n"
                          "resources = { cpu = 1, memory = \"512\" }\n"
                          "env = { \"1BAD\" = \"x\" }\n");
  std::string before = journal_text();
  auto r = dlaunch({"run", path});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  std::regex located("^" + path + ":[0-9]+:[0-9]+: error: .*");
  int errors = 0;
  std::stringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_match(line, located)) ++errors;
  }
  EXPECT_EQ(errors, 5) << r.err;
  EXPECT_NE(r.err.find(path + ":5:1: error: unknown key 'replicsa'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("note: did you mean 'replicas'?"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was submitted"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(journal_text(), before);  // nothing half-submitted, journal untouched
}

TEST_F(CliTest, ValidateJsonOutputIsMachineReadable) {
  std::string path = spec("bad.json", "{\"roles\": [{\"name\": \"t\", \"entrypoint\": [\"x\"], \"replicas\": 0}]}");
  auto r = dlaunch({"validate", path, "--output", "json"});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_NE(r.out.find("\"valid\": false"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"path\": \"roles[0].replicas\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"line\": 1"), std::string::npos) << r.out;
  auto good = dlaunch({"validate", spec("good.toml", role("t", "[\"true\"]"))});
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST_F(CliTest, AnUnknownPlatformIsAnErrorWithASuggestion) {
  auto r = dlaunch({"validate", spec("j.toml", role("t", "[\"true\"]")), "-p", "locl"});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_NE(r.err.find("no plugin for platform 'locl'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'local'?"), std::string::npos) << r.err;
}

TEST_F(CliTest, PlatformOptionsAreValidatedWithDidYouMean) {
  auto r = dlaunch({"validate", spec("j.toml", "[platform.local]\nstop_grace_secs = 3\n" + role("t", "[\"true\"]"))});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_NE(r.err.find(":2:1: error: unknown option 'stop_grace_secs' for platform 'local'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'stop_grace_seconds'?"), std::string::npos) << r.err;
}

TEST_F(CliTest, DryRunShowsEveryReplicaAndSubmitsNothing) {
  std::string path = spec("j.toml", "env = { HF_TOKEN = \"hf_s3cr3t\", THREADS = \"4\" }\n" +
                                        role("trainer", "[\"python3\", \"train.py\"]", 2));
  auto r = dlaunch({"run", path, "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("hf_s3cr3t"), std::string::npos) << r.out;  // secrets never printed
  EXPECT_NE(r.out.find("HF_TOKEN=***"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("THREADS=4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("trainer/0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("trainer/1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("WORLD_SIZE=2"), std::string::npos) << r.out;
  EXPECT_EQ(journal_text(), "");
}

// A field added through the table alone (description) reaches the plugin, and its one rule is located.
TEST_F(CliTest, TheJobsDescriptionReachesTheDryRunAndIsOneLine) {
  auto r = dlaunch({"run", spec("d.toml", "description = \"nightly MNIST check\"\n" + role("t", "[\"true\"]")),
                    "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  description: nightly MNIST check\n"), std::string::npos) << r.out;
  auto bad = dlaunch({"validate", spec("e.toml", "description = \"two\\nlines\"\n" + role("t", "[\"true\"]"))});
  EXPECT_EQ(bad.exit_code, 65) << bad.err;
  EXPECT_NE(bad.err.find("e.toml:1:15: error: description must be one line"), std::string::npos) << bad.err;
  auto typed = dlaunch({"validate", spec("f.toml", "descripton = \"x\"\n" + role("t", "[\"true\"]"))});
  EXPECT_NE(typed.err.find("did you mean 'description'?"), std::string::npos) << typed.err;
}

TEST_F(CliTest, ATwoReplicaJobRunsAndItsLogsShowBothRanks) {
  std::string path = spec("hello.toml", role("worker", "\"echo rank=$RANK world=$WORLD_SIZE role=$DLAUNCH_ROLE\"", 2));
  auto run = dlaunch({"run", path});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string handle = test::last_line(run.out);
  EXPECT_EQ(handle.rfind("local:hello-", 0), 0u) << run.out;

  auto waited = dlaunch({"status", handle, "--wait"});
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_NE(waited.out.find("SUCCEEDED"), std::string::npos) << waited.out;

  auto logs = dlaunch({"logs", handle});
  EXPECT_EQ(logs.exit_code, 0);
  EXPECT_NE(logs.out.find("[worker/0] rank=0 world=2 role=worker"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("[worker/1] rank=1 world=2 role=worker"), std::string::npos) << logs.out;

  auto list = dlaunch({"list"});
  EXPECT_NE(list.out.find(handle), std::string::npos) << list.out;
  auto listed = dlaunch({"list", "-p", "local", "--output", "json"});
  EXPECT_NE(listed.out.find(handle.substr(6)), std::string::npos) << listed.out;
}

TEST_F(CliTest, FollowStreamsPrefixedOutputAndWaits) {
  std::string path = spec("f.toml", role("worker", "\"echo line-from-$RANK\"", 2));
  auto r = dlaunch({"run", path, "--follow"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[worker/0] line-from-0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[worker/1] line-from-1"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("SUCCEEDED"), std::string::npos) << r.err;
}

TEST_F(CliTest, AFailingJobsExitCodeComesThroughRunWait) {
  auto r = dlaunch({"run", spec("fail.toml", role("t", "\"exit 3\"")), "--wait"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("FAILED (exit 3)"), std::string::npos) << r.err;
}

TEST_F(CliTest, FailoverRestartsAJobThatFailsOnce) {
  std::string marker = dir_.path() + "/failed-once";
  std::string path = spec("flaky.toml", "[failover]\nmax_restarts = 1\n" +
                                            role("t", "\"if [ -e " + marker + " ]; then exit 0; else touch " + marker +
                                                          "; exit 5; fi\""));
  auto r = dlaunch({"run", path, "--wait", "--output", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"state\": \"SUCCEEDED\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"restarts\": 1"), std::string::npos) << r.out;

  // Without restarts left the same job fails with the replica's code.
  fs::remove(marker);
  auto no_retry = dlaunch({"run", path, "--wait", "--set", "failover.max_restarts=0"});
  EXPECT_EQ(no_retry.exit_code, 5) << no_retry.err;
}

TEST_F(CliTest, StopLeavesNoProcessBehind) {
  // Each replica is a shell (its own process group's leader, so $$ is the group id) that records $$ and then
  // waits on a child: stop must end both, and the test looks at exactly these groups, never at other
  // processes of the machine.
  const std::string pids = dir_.path() + "/pid-";
  std::string path = spec("sleepy.toml", role("t", "\"echo $$ > " + pids + "$RANK.tmp && mv " + pids + "$RANK.tmp " +
                                                       pids + "$RANK; sleep 600\"", 2));
  auto run = dlaunch({"run", path});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string handle = test::last_line(run.out);
  // Wait until both replicas run, each with its shell and its sleep.
  std::vector<pid_t> groups(2, 0);
  auto both_running = [&] {
    for (int rank = 0; rank < 2; ++rank) groups[rank] = pid_in(pids + std::to_string(rank));
    return running_in_group(groups[0]) == 2 && running_in_group(groups[1]) == 2;
  };
  for (int i = 0; i < 100 && !both_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(both_running()) << "groups " << groups[0] << " and " << groups[1];
  auto stop = dlaunch({"stop", handle});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(running_in_group(groups[0]), 0);
  EXPECT_EQ(running_in_group(groups[1]), 0);
  auto status = dlaunch({"status", handle});
  EXPECT_NE(status.out.find("STOPPED"), std::string::npos) << status.out;
  auto waited = dlaunch({"status", handle, "--wait"});
  EXPECT_EQ(waited.exit_code, 1);  // stopped: failed without an exit code of its own
}

TEST_F(CliTest, DeleteRefusesARunningJobThenForgetsAFinishedOne) {
  auto run = dlaunch({"run", spec("s.toml", role("t", "\"sleep 30\""))});
  std::string handle = test::last_line(run.out);
  auto refused = dlaunch({"delete", handle});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("running"), std::string::npos) << refused.err;
  ASSERT_EQ(dlaunch({"stop", handle}).exit_code, 0);
  EXPECT_EQ(dlaunch({"delete", handle}).exit_code, 0);
  EXPECT_EQ(dlaunch({"status", handle}).exit_code, 1);  // not found any more
}

// The exit code of each error code is the CLI's policy (core/src/exit_codes.cpp, shared with the C client API), shown here with the test
// plugins' real errors.
TEST_F(CliTest, EachPluginErrorHasItsDocumentedExitCode) {
  const std::string plugins = std::string("--plugin-dir=") + DLAUNCH_TEST_PLUGIN_DIR;
  EXPECT_EQ(dlaunch({"status", "throwing:x", plugins}).exit_code, 69);          // UNAVAILABLE
  EXPECT_EQ(dlaunch({"stop", "throwing:x", plugins}).exit_code, 70);            // INTERNAL (out of memory)
  EXPECT_EQ(dlaunch({"status", "good:missing", plugins}).exit_code, 1);         // NOT_FOUND
  EXPECT_EQ(dlaunch({"delete", "good:x", plugins}).exit_code, 1);               // FAILED_PRECONDITION
  EXPECT_EQ(dlaunch({"list", "-p", "throwing", plugins}).exit_code, 1);         // UNIMPLEMENTED
  auto future = dlaunch({"delete", "future-values:x", plugins});                 // a code from a newer minor
  EXPECT_EQ(future.exit_code, 70) << future.err;
  EXPECT_NE(future.err.find("the test platform keeps every job"), std::string::npos) << future.err;
  EXPECT_EQ(dlaunch({"status", "nonesuch:x", plugins}).exit_code, 64);          // no such platform
}

TEST_F(CliTest, OverridesApplyBeforeValidation) {
  std::string path = spec("o.toml", role("worker", "\"echo world=$WORLD_SIZE\"", 1));
  auto r = dlaunch({"run", path, "--set", "roles.worker.replicas=3", "--follow"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[worker/2] world=3"), std::string::npos) << r.out;
  auto bad = dlaunch({"validate", path, "--set", "roles.worker.replicas=2.5"});
  EXPECT_EQ(bad.exit_code, 65);
  EXPECT_NE(bad.err.find("<override 1>:1:"), std::string::npos) << bad.err;
}

TEST_F(CliTest, EnvironmentReachesEveryProcess) {
  std::string path = spec("e.toml", "env = { JOB_LEVEL = \"j\" }\n" + role("t", "\"echo $JOB_LEVEL-$ROLE_LEVEL-$MASTER_ADDR\"") +
                                         "env = { ROLE_LEVEL = \"r\" }\n");
  auto r = dlaunch({"run", path, "--follow"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[t/0] j-r-127.0.0.1"), std::string::npos) << r.out;
}

TEST_F(CliTest, PluginsListShowsLocalWithItsAbiAndPath) {
  auto r = dlaunch({"plugins", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The ABI the bundled plugin was built with: this SDK's.
  const std::string abi = std::to_string(DLAUNCH_ABI_MAJOR) + "\\." + std::to_string(DLAUNCH_ABI_MINOR);
  std::regex local_line(R"(local\s+\S+\s+)" + abi + R"(\s+/\S+/lib/dlaunch/plugins/local)");
  EXPECT_TRUE(std::regex_search(r.out, local_line)) << r.out;
  auto info = dlaunch({"plugins", "info", "local", "--output", "json"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("\"name\": \"stop_grace_seconds\""), std::string::npos) << info.out;
}

TEST_F(CliTest, AConfigFileGivesPlatformDefaults) {
  std::string config = spec("config.toml", "[platform.local]\nstop_grace_seconds = 1\n");
  auto r = dlaunch({"--config", config, "run", spec("c.toml", role("t", "[\"true\"]")), "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("after 1 s"), std::string::npos) << r.out;
  auto missing = dlaunch({"--config", dir_.path() + "/absent.toml", "list"});
  EXPECT_EQ(missing.exit_code, 65);
  EXPECT_NE(missing.err.find("configuration file: cannot read"), std::string::npos) << missing.err;
  auto broken = dlaunch({"--config", spec("bad-config.toml", "plugin_dir = 1\n"), "list"});
  EXPECT_EQ(broken.exit_code, 65);
  EXPECT_NE(broken.err.find("did you mean 'plugin_dirs'?"), std::string::npos) << broken.err;
}

TEST_F(CliTest, SchemaAndVersion) {
  auto schema = dlaunch({"schema"});
  EXPECT_EQ(schema.exit_code, 0);
  EXPECT_NE(schema.out.find("\"$schema\""), std::string::npos);
  auto version = dlaunch({"version"});
  EXPECT_NE(version.out.find("plugin ABI 1.2"), std::string::npos) << version.out;
}

// A plugin whose manifest declares its options but whose "library" is not a library at all: anything that
// loads it fails, so every command below that works proves that it loaded no plugin code.
class UnloadablePluginTest : public CliTest {
 protected:
  void SetUp() override {
    plugins_.write("remote/libdlaunch-remote.so", "this is not an ELF file\n");
    plugins_.write("remote/plugin.json", R"({
  "manifest_version": 2, "id": "remote", "library": "libdlaunch-remote.so", "version": "3.1.4",
  "description": "a network platform", "abi": {"major": 1, "minor": 0},
  "options": [{"name": "address", "type": "string", "default": "http://127.0.0.1:1", "help": "Where it is."},
              {"name": "retries", "type": "integer", "default": 3, "help": "How often."},
              {"name": "token", "type": "string", "secret": true, "help": "The secret."}]
})");
  }
  ProcessResult with_plugin(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin-dir", plugins_.path()});
    return dlaunch(args);
  }
  test::TempDir plugins_;
};

TEST_F(UnloadablePluginTest, ValidateForAnotherPlatformChecksItsOptionsWithoutLoadingIt) {
  std::string good = spec("good.toml", "[platform.remote]\naddress = \"http://x\"\nretries = 5\n" + role("t", "[\"true\"]"));
  auto ok = with_plugin({"validate", good, "-p", "local"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;

  std::string typo = spec("typo.toml", "[platform.remote]\nadress = \"http://x\"\nretries = \"5\"\n" + role("t", "[\"true\"]"));
  auto bad = with_plugin({"validate", typo, "-p", "local"});
  EXPECT_EQ(bad.exit_code, 65) << bad.err;
  EXPECT_NE(bad.err.find(typo + ":2:1: error: unknown option 'adress' for platform 'remote'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("did you mean 'address'?"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find(typo + ":3:11: error: option 'retries' of platform 'remote' must be of type integer"),
            std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("cannot load"), std::string::npos) << bad.err;

  // The library really is unusable: the commands that must call the plugin say so.
  auto run = with_plugin({"run", good, "-p", "remote", "--dry-run"});
  EXPECT_EQ(run.exit_code, 70) << run.err;
  EXPECT_NE(run.err.find("cannot load"), std::string::npos) << run.err;
}

TEST_F(UnloadablePluginTest, PluginsInfoAndListReadTheOptionsFromTheManifest) {
  auto info = with_plugin({"plugins", "info", "remote"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("version:     3.1.4"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("  retries (integer) default 3\n      How often."), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("  token (string, secret)"), std::string::npos) << info.out;
  auto list = with_plugin({"plugins", "list", "--output", "json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("\"name\": \"address\""), std::string::npos) << list.out;
  auto schema = with_plugin({"schema"});
  EXPECT_EQ(schema.exit_code, 0) << schema.err;
  // Searched from the plugin's section on: a regex spanning the whole schema recurses as deep as the text is
  // long in libstdc++, past the stack of a sanitizer build.
  const auto remote = schema.out.find("\"remote\": {");
  ASSERT_NE(remote, std::string::npos) << schema.out;
  std::regex retries(R"re("retries": \{\s*"type": "integer",\s*"description": "How often.",\s*"default": 3)re");
  EXPECT_TRUE(std::regex_search(schema.out.substr(remote), retries)) << schema.out;
  // Only the conformance suite loads it, and fails.
  auto check = with_plugin({"plugins", "check", plugins_.path() + "/remote"});
  EXPECT_EQ(check.exit_code, 1) << check.out;
  EXPECT_NE(check.out.find("FAIL  loads"), std::string::npos) << check.out;
}

// A plugin that offers find_submissions and breaks its contract fails each of its checks, a crash included
// (tried in a child process), and the checks after it still run; the bundled plugins pass them (sdk.*.conformance).
// Its NULL dereferences end the child by SIGSEGV, or by exit status 1 where AddressSanitizer's handler catches
// it: both are a crash (PluginsCheckNamesHowAFindSubmissionsCallEndedItsProcess names each).
TEST_F(CliTest, PluginsCheckFailsEachBrokenPartOfFindSubmissions) {
  auto check = dlaunch({"plugins", "check", std::string(DLAUNCH_TEST_PLUGIN_DIR) + "/careless-finder"});
  EXPECT_EQ(check.exit_code, 1) << check.out;
  for (const char* expected :
       {"FAIL  find_submissions refuses NULL args with an error: it crashed",
        "FAIL  find_submissions refuses a NULL sink with an error: it crashed",
        "FAIL  find_submissions reads nothing beyond struct_size (args without since_ms): it crashed",
        "FAIL  find_submissions answers an empty batch with no record: 1 records for no submission",
        "FAIL  find_submissions reports no job for a submission it never saw: reported 2 records for",
        "FAIL  find_submissions records are large enough to carry submission_id (DLAUNCH_JOB_STATUS_SIZE_1_1): records of",
        "FAIL  find_submissions records name only submissions asked about, with a native id: records for 'never-asked'"}) {
    EXPECT_NE(check.out.find(expected), std::string::npos) << expected << "\n" << check.out;
  }
  // A plugin without find_submissions (ABI 1.0's table) is not asked about it.
  auto frozen = dlaunch({"plugins", "check", std::string(DLAUNCH_TEST_PLUGIN_DIR) + "/frozen-abi"});
  EXPECT_EQ(frozen.out.find("find_submissions"), std::string::npos) << frozen.out;
}

// A call that ends the child process is a crash of that call, named by the signal, or by the exit status when
// the process exited (as a crash handler does) before the call returned; a call that returns is told apart.
TEST_F(CliTest, PluginsCheckNamesHowAFindSubmissionsCallEndedItsProcess) {
  auto check = dlaunch({"plugins", "check", std::string(DLAUNCH_TEST_PLUGIN_DIR) + "/abrupt-finder"});
  EXPECT_EQ(check.exit_code, 1) << check.out;
  for (const char* expected :
       {"FAIL  find_submissions refuses NULL args with an error: it crashed: Aborted\n",
        "FAIL  find_submissions refuses a NULL sink with an error: it crashed: its process exited with status 1 "
        "before the call returned\n",
        "PASS  find_submissions reads nothing beyond struct_size (args without since_ms): answered without since_ms\n",
        "PASS  find_submissions answers an empty batch with no record"}) {
    EXPECT_NE(check.out.find(expected), std::string::npos) << expected << "\n" << check.out;
  }
}

// The real network plugin, when it is built: the dynamic loader's own log shows what `validate -p local` of
// a spec with a [platform.ray] table opens.
TEST_F(CliTest, ValidateOnLocalOfASpecForRayLoadsNeitherRayNorLibcurlNorOpenssl) {
  if (!fs::exists(fs::path(test::dlaunch_binary()).parent_path() / "../lib/dlaunch/plugins/ray/plugin.json")) {
    GTEST_SKIP() << "the ray plugin is not built";
  }
  std::string path = spec("r.toml", "[platform.ray]\naddress = \"http://127.0.0.1:8265\"\nexcldes = [\"x\"]\n" +
                                        role("t", "[\"true\"]"));
  test::ProcessOptions options;
  options.env = {{"XDG_STATE_HOME", home_.path() + "/state"}, {"XDG_CONFIG_HOME", home_.path() + "/config"},
                 {"XDG_DATA_HOME", home_.path() + "/data"}, {"DLAUNCH_PLUGIN_PATH", ""}, {"LD_DEBUG", "files"}};
  auto r = test::run_dlaunch({"validate", path, "-p", "local"}, options);
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_NE(r.err.find(path + ":3:1: error: unknown option 'excldes' for platform 'ray'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("libdlaunch-local.so"), std::string::npos) << r.err;  // the loader's log is there
  EXPECT_EQ(r.err.find("libdlaunch-ray.so"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("libcurl"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("libssl"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dlaunch
