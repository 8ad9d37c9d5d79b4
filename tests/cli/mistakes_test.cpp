// Mistakes that point to the fix: did-you-mean for commands, options, platform ids and journaled handles; one
// error line and a hint, in dlaunch's words; --help with only what users type; --set on commands on submitted
// jobs; refused plugin directories said, not skipped silently.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

namespace fs = std::filesystem;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A usage error is exactly two lines on stderr: the error, then where the help is.
void expect_usage_error(const test::ProcessResult& r, const std::string& error_line, const std::string& help) {
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_EQ(r.err, error_line + "\n(see: " + help + ")\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, MistypedCommandsAndOptionsGetADidYouMean) {
  expect_usage_error(dlaunch({"rnu", "x.toml"}), "dlaunch: error: unknown command 'rnu'; did you mean 'run'?",
                     "dlaunch --help");
  expect_usage_error(dlaunch({"stauts", "local:x"}), "dlaunch: error: unknown command 'stauts'; did you mean 'status'?",
                     "dlaunch --help");
  expect_usage_error(dlaunch({"run", "--wiat", "x.toml"}),
                     "dlaunch run: error: unknown option '--wiat'; did you mean '--wait'?", "dlaunch run --help");
  // A prefix is not guessed: it is a mistake like any other.
  expect_usage_error(dlaunch({"run", "x.toml", "--wai"}),
                     "dlaunch run: error: unknown option '--wai'; did you mean '--wait'?", "dlaunch run --help");
  expect_usage_error(dlaunch({"logs", "local:x", "--follw"}),
                     "dlaunch logs: error: unknown option '--follw'; did you mean '--follow'?", "dlaunch logs --help");
  expect_usage_error(dlaunch({"plugins", "lsit"}),
                     "dlaunch plugins: error: unknown plugins action 'lsit' (list, info or check); did you mean 'list'?",
                     "dlaunch plugins --help");
  // Global options, with or without a command after them.
  expect_usage_error(dlaunch({"--verbsoe"}), "dlaunch: error: unknown option '--verbsoe'; did you mean '--verbose'?",
                     "dlaunch --help");
  expect_usage_error(dlaunch({"--plugin-dri", "/tmp", "list"}),
                     "dlaunch: error: unknown option '--plugin-dri'; did you mean '--plugin-dir'?", "dlaunch --help");
  expect_usage_error(dlaunch({"-v"}), "dlaunch: error: no command given", "dlaunch --help");
}

TEST_F(CliTest, CommandLineMistakesAreInDlaunchsWords) {
  expect_usage_error(dlaunch({"status", "local:a", "local:b"}), "dlaunch status: error: unexpected argument 'local:b'",
                     "dlaunch status --help");
  expect_usage_error(dlaunch({"run", "x.toml", "-p"}), "dlaunch run: error: option '--platform' needs a value",
                     "dlaunch run --help");
  expect_usage_error(dlaunch({"run", "x.toml", "-p", "a", "-p", "b"}),
                     "dlaunch run: error: option '--platform' is given more than once", "dlaunch run --help");
  expect_usage_error(dlaunch({"run", "x.toml", "--wait=yes"}), "dlaunch run: error: option '--wait' takes no value",
                     "dlaunch run --help");
  expect_usage_error(dlaunch({"validate"}), "dlaunch validate: error: missing SPEC", "dlaunch validate --help");
}

TEST_F(CliTest, HelpShowsOnlyWhatUsersType) {
  for (const char* command : {"run", "validate", "status", "logs", "stop", "delete", "list", "plugins"}) {
    auto help = dlaunch({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    for (const char* internal : {"--spec", "--handle", "--action", "--id", "positional", " arg", "[ --"}) {
      EXPECT_FALSE(has(help.out, internal)) << command << " shows " << internal << ":\n" << help.out;
    }
    EXPECT_TRUE(has(help.out, "  -h, --help ")) << help.out;
  }
  EXPECT_TRUE(has(dlaunch({"run", "--help"}).out, "  -p, --platform ID ")) << dlaunch({"run", "--help"}).out;
}

TEST_F(CliTest, AMistypedPlatformInAHandleGetsADidYouMean) {
  auto r = dlaunch({"status", "lcoal:nothing-like-it"});
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_TRUE(has(r.err, "no plugin for platform 'lcoal' is installed")) << r.err;
  EXPECT_TRUE(has(r.err, "did you mean 'local'?")) << r.err;
}

TEST_F(CliTest, AHandleTheJournalKnowsIsSuggestedWithoutAskingAnotherPlatform) {
  auto run = dlaunch({"run", spec("j.toml", role("t", "[\"true\"]")), "--wait"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string handle = test::last_line(run.out);
  const std::string native_id = handle.substr(handle.find(':') + 1);
  // Ray's address is a loopback port that listens and never accepts: a connection to it would wait there.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 16), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  fs::create_directories(home_.path() + "/config/dlaunch");
  std::ofstream(home_.path() + "/config/dlaunch/config.toml")
      << "[platform.ray]\naddress = \"http://127.0.0.1:" << ntohs(address.sin_port) << "\"\n";
  for (const char* command : {"status", "logs", "stop", "delete"}) {
    // "ray" and "lcoal": an installed platform that would be asked over the network, and a typo.
    for (const std::string platform : {"ray", "lcoal"}) {
      auto r = dlaunch({command, platform + ":" + native_id});
      EXPECT_EQ(r.exit_code, 1) << command << r.err;
      EXPECT_EQ(r.err, "dlaunch: error: job '" + native_id + "' was submitted to platform 'local', not '" + platform +
                           "'; did you mean '" + handle + "'?\n");
    }
  }
  pollfd waiting{listener, POLLIN, 0};
  EXPECT_EQ(::poll(&waiting, 1, 0), 0) << "Ray was asked";
  ::close(listener);
  // One character off the journaled handle: the platform says it has no such job, and the journal's is offered.
  auto near = dlaunch({"status", handle + "0"});
  EXPECT_EQ(near.exit_code, 1);
  EXPECT_TRUE(has(near.err, "there is no local job '" + native_id + "0'; did you mean '" + handle + "'?")) << near.err;
}

TEST_F(CliTest, CommandsOnSubmittedJobsTakePlatformOptionsWithSet) {
  auto run = dlaunch({"run", spec("j.toml", role("t", "[\"true\"]")), "--wait"});
  const std::string handle = test::last_line(run.out);
  const std::string good = "platform.local.stop_grace_seconds=1";
  EXPECT_EQ(dlaunch({"status", handle, "--set", good}).exit_code, 0);
  EXPECT_EQ(dlaunch({"logs", handle, "--set", good}).exit_code, 0);
  EXPECT_EQ(dlaunch({"stop", handle, "--set", good}).exit_code, 0);
  EXPECT_EQ(dlaunch({"list", "-p", "local", "--set", good}).exit_code, 0);
  EXPECT_EQ(dlaunch({"delete", handle, "--set", good}).exit_code, 0);

  // Checked like a spec's options, and only the job's platform's.
  auto typo = dlaunch({"status", handle, "--set", "platform.local.stop_grace_secs=1"});
  EXPECT_EQ(typo.exit_code, 65);
  EXPECT_TRUE(has(typo.err, "<override 1>:1:16: error: unknown option 'stop_grace_secs' for platform 'local'")) << typo.err;
  EXPECT_TRUE(has(typo.err, "did you mean 'stop_grace_seconds'?")) << typo.err;
  auto other = dlaunch({"status", handle, "--set", "platform.ray.address=http://x"});
  EXPECT_EQ(other.exit_code, 65);
  EXPECT_TRUE(has(other.err, "'platform.ray.address' cannot be set here")) << other.err;
  expect_usage_error(dlaunch({"list", "--set", good}),
                     "dlaunch list: error: --set is for the platform that -p names; the journal needs none",
                     "dlaunch list --help");
}

// The real network plugin, when it is built: --set points `list -p ray` at another address, as
// `ray job list --address` does.
TEST_F(CliTest, SetPointsListAtAnotherAddress) {
  if (!fs::exists(fs::path(test::dlaunch_binary()).parent_path() / "../lib/dlaunch/plugins/ray/plugin.json")) {
    GTEST_SKIP() << "the ray plugin is not built";
  }
  auto r = dlaunch({"list", "-p", "ray", "--set", "platform.ray.address=http://127.0.0.1:9"});
  EXPECT_EQ(r.exit_code, 69) << r.err;
  EXPECT_TRUE(has(r.err, "http://127.0.0.1:9")) << r.err;
}

TEST_F(CliTest, AWorldWritablePluginDirIsReportedWithTheReason) {
  test::TempDir shared;
  ASSERT_EQ(chmod(shared.path().c_str(), 0777), 0);
  const std::string job = spec("j.toml", role("t", "[\"true\"]"));
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"validate", job}, {"run", job, "--dry-run"}, {"plugins", "info", "local"}, {"status", "local:nope"}}) {
    std::vector<std::string> with_dir = args;
    with_dir.insert(with_dir.begin(), {"--plugin-dir", shared.path()});
    auto r = dlaunch(with_dir);
    EXPECT_TRUE(has(r.err, "dlaunch: warning: plugin directory refused: " + shared.path() + " is world-writable"))
        << args[0] << ": " << r.err;
  }
  // A plugin only there is "not installed", and the error says why.
  auto missing = dlaunch({"--plugin-dir", shared.path(), "validate", job, "-p", "mine"});
  EXPECT_EQ(missing.exit_code, 65);
  EXPECT_TRUE(has(missing.err, "no plugin for platform 'mine' is installed (plugin directory refused: " + shared.path() +
                                   " is world-writable"))
      << missing.err;
}

}  // namespace
}  // namespace dlaunch
