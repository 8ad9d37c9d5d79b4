// `dlaunch run` killed with SIGKILL at random points of a submit, a hundred times: the journal stays a valid
// database with no half-written entry, and no job reaches the platform without the journal's intent for it
// written first. (A job killed between the platform's answer and the journal's update stays an intent here:
// local names its jobs by a hash of the submission id, so the host cannot ask it by that id through the plugin
// ABI. Ray, which keeps the submission id as the job's id, has them settled: tests/ray/fault_test.cpp.)
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <regex>
#include <set>
#include <thread>

#include "cli_fixture.hpp"

extern char** environ;

namespace dlaunch {
namespace {

std::set<std::string> handles_in(const std::string& json) {
  std::set<std::string> handles;
  std::regex handle("\"handle\": \"([^\"]+)\"");
  for (std::sregex_iterator it(json.begin(), json.end(), handle), end; it != end; ++it) handles.insert((*it)[1]);
  return handles;
}

TEST_F(CliTest, SubmitsKilledAtRandomPointsLeaveAValidJournalThatHoldsEveryJob) {
  const std::string job = spec("job.toml", "name = \"killed\"\n" + role("t", "[\"true\"]"));
  // The child's environment: the test's own, with the fixture's directories over it.
  std::vector<std::string> variables;
  auto overrides = environment();
  for (char** v = environ; *v != nullptr; ++v) {
    std::string variable(*v);
    if (!overrides.count(variable.substr(0, variable.find('=')))) variables.push_back(variable);
  }
  for (const auto& [name, value] : overrides) variables.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& variable : variables) envp.push_back(variable.data());
  envp.push_back(nullptr);
  std::string binary = test::dlaunch_binary();
  std::vector<std::string> args = {binary, "run", job};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);

  // Runs one submit, killed after `delay` (never, when negative); true when the kill cut it short.
  auto submit = [&](std::chrono::microseconds delay) {
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, binary.c_str(), &quiet, nullptr, argv.data(), envp.data()), 0);
    if (delay.count() >= 0) {
      std::this_thread::sleep_for(delay);
      kill(pid, SIGKILL);
    }
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status);
  };
  // The kills land anywhere within a whole submit, as long as the quickest of three takes on this machine.
  auto quickest = std::chrono::microseconds::max();
  for (int i = 0; i < 3; ++i) {
    auto started = std::chrono::steady_clock::now();
    submit(std::chrono::microseconds(-1));
    quickest = std::min(quickest, std::chrono::duration_cast<std::chrono::microseconds>(
                                      std::chrono::steady_clock::now() - started));
  }
  std::mt19937 random(20261201);
  std::uniform_int_distribution<long> delay_us(0, quickest.count());
  constexpr int kTrials = 100;
  int killed = 0;
  for (int trial = 0; trial < kTrials; ++trial) killed += submit(std::chrono::microseconds(delay_us(random))) ? 1 : 0;
  posix_spawn_file_actions_destroy(&quiet);
  EXPECT_GT(killed, kTrials / 4) << "submits must be cut short for the test to mean anything";

  EXPECT_EQ(journal_sql("PRAGMA integrity_check"), "ok\n");
  // Every entry is whole: an intent has no handle yet, a submitted job has one.
  EXPECT_EQ(journal_sql("SELECT count(*) FROM jobs WHERE NOT ((state = 'intent' AND native_id = '') OR "
                        "(state = 'submitted' AND native_id != ''))"),
            "0\n");
  const int entries = std::stoi(journal_sql("SELECT count(*) FROM jobs"));
  auto journal = dlaunch({"list", "-o", "json"});
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  auto platform = dlaunch({"list", "-p", "local", "-o", "json"});
  ASSERT_EQ(platform.exit_code, 0) << platform.err;
  std::set<std::string> journaled = handles_in(journal.out), started = handles_in(platform.out);
  EXPECT_LE(static_cast<int>(started.size()), entries) << "a job reached the platform with no intent journaled";
  for (const auto& handle : journaled) {
    auto status = dlaunch({"status", handle});
    EXPECT_EQ(status.exit_code, 0) << handle << ": " << status.err;
  }
  std::cout << "[kill] " << killed << " of " << kTrials << " submits killed; " << entries
            << " journal entries, " << journaled.size() << " with a handle; " << started.size()
            << " jobs on the platform\n";
}

}  // namespace
}  // namespace dlaunch
