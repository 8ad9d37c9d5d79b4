// `dlaunch run` killed with SIGKILL at random points of a submit, a hundred times: the journal stays a valid
// database with no half-written entry, no job reaches the platform without the journal's intent for it written
// first, and the next `list` settles every intent the killed submits left (find_submissions, plugin ABI 1.1):
// each job is then journaled once with its handle, or the submit as failed when local never got the job. No
// in-flight lock file (<state>/dlaunch/submitting) outlives its submit or the recovery, nor any job directory
// local was building when its submit was killed. The same on Slurm:
// tests/slurm/kill_test.cpp; on Ray: tests/ray/fault_test.cpp.
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
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
  const auto quickest = std::chrono::duration_cast<std::chrono::microseconds>(
      test::quickest_of(3, [&] { submit(std::chrono::microseconds(-1)); }));
  const std::filesystem::path locks = home_.path() + "/state/dlaunch/submitting";
  auto lock_files = [&] { return test::entries_in(locks); };
  EXPECT_EQ(lock_files(), 0) << "a whole submit removes its lock file";
  std::mt19937 random(20261201);
  std::uniform_int_distribution<long> delay_us(0, quickest.count());
  constexpr int kTrials = 100;
  int killed = 0;
  for (int trial = 0; trial < kTrials; ++trial) killed += submit(std::chrono::microseconds(delay_us(random))) ? 1 : 0;
  posix_spawn_file_actions_destroy(&quiet);
  EXPECT_GT(killed, kTrials / 4) << "submits must be cut short for the test to mean anything";

  // Every entry is whole: an intent has no handle yet, a submitted job has one, a failed submit none.
  auto whole = [&] {
    EXPECT_EQ(journal_sql("PRAGMA integrity_check"), "ok\n");
    EXPECT_EQ(journal_sql("SELECT count(*) FROM jobs WHERE NOT ((state = 'submitting' AND native_id = '') OR "
                          "(state = 'submitted' AND native_id != '') OR (state = 'submit_failed' AND native_id = ''))"),
              "0\n");
  };
  whole();
  const int entries = std::stoi(journal_sql("SELECT count(*) FROM jobs"));
  const int left = std::stoi(journal_sql("SELECT count(*) FROM jobs WHERE state = 'submitting'"));
  // Each list settles at most 64 intents (orchestrator_intents.cpp): a hundred kills may leave more. Those local
  // does not hold are settled failed only a grace period after a list first found them abandoned: a second here.
  configure("settle_grace_seconds = 1\n");
  test::ProcessResult journal;
  for (int list = 0; list < 6; ++list) {
    if (list == 3) std::this_thread::sleep_for(std::chrono::seconds(1));
    journal = dlaunch({"list", "-o", "json"});
    ASSERT_EQ(journal.exit_code, 0) << journal.err;
  }
  whole();
  EXPECT_EQ(journal_sql("SELECT count(*) FROM jobs WHERE state = 'submitting'"), "0\n") << "intents left unsettled";
  EXPECT_EQ(journal_sql("SELECT count(*) FROM jobs"), std::to_string(entries) + "\n");
  EXPECT_EQ(lock_files(), 0) << "the recovery removes the lock files the killed submits left";
  std::error_code error;
  for (const auto& job : std::filesystem::directory_iterator(home_.path() + "/state/dlaunch/plugins/local/jobs", error)) {
    EXPECT_FALSE(job.path().filename().string().starts_with(".")) << "a killed submit's half-built job stayed: " << job.path();
  }
  auto platform = dlaunch({"list", "-p", "local", "-o", "json"});
  ASSERT_EQ(platform.exit_code, 0) << platform.err;
  // Every job on the platform is journaled with its handle, each once.
  std::set<std::string> journaled = handles_in(journal.out), started = handles_in(platform.out);
  EXPECT_EQ(journaled, started);
  EXPECT_EQ(journal_sql("SELECT count(*) FROM jobs WHERE state = 'submitted'"), std::to_string(started.size()) + "\n")
      << "a job journaled twice";
  for (const auto& handle : journaled) {
    auto status = dlaunch({"status", handle});
    EXPECT_EQ(status.exit_code, 0) << handle << ": " << status.err;
  }
  std::cout << "[kill] " << killed << " of " << kTrials << " submits killed; " << entries << " journal entries, "
            << left << " left as intents, all settled; " << started.size() << " jobs on the platform\n";
}

// `status` of a killed submit's job, named as `list` shows it (by its submission id), before any `list`: that
// intent is settled first, to the job local holds (here: one whose outcome the journal lost, as a kill between
// local's answer and the journal's write loses it), or to the submit local never got.
TEST_F(CliTest, StatusOfAKilledSubmitAsksThePlatformWhatBecameOfIt) {
  auto run = dlaunch({"run", spec("job.toml", "name = \"lost\"\n" + role("t", "[\"true\"]"))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string submission = journal_sql("SELECT submission_id FROM jobs");
  const std::string id = submission.substr(0, submission.size() - 1);
  const std::string handle = journal_sql("SELECT platform || ':' || native_id FROM jobs");
  journal_sql("UPDATE jobs SET state = 'submitting', native_id = ''");
  journal_sql("INSERT INTO jobs (submission_id, platform, job_name, spec_file, state, native_id, error, options, "
              "created_ms, updated_ms) SELECT 'dlaunch-never-got', platform, job_name, spec_file, state, '', '', "
              "options, created_ms, updated_ms FROM jobs");

  auto status = dlaunch({"status", "local:" + id});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out.substr(0, status.out.find(' ')) + "\n", handle) << "answered for the job itself:\n" << status.out;
  EXPECT_EQ(journal_sql("SELECT state || ' ' || platform || ':' || native_id FROM jobs WHERE submission_id = '" + id + "'"),
            "submitted " + handle);
  EXPECT_EQ(journal_sql("SELECT state FROM jobs WHERE submission_id = 'dlaunch-never-got'"), "submitting\n")
      << "only the intent asked about is settled";

  // Local's "none" is final only a grace period after the intent was first found abandoned (a request the killed
  // dlaunch sent might still land): a second here.
  configure("settle_grace_seconds = 1\n");
  auto early = dlaunch({"status", "local:dlaunch-never-got"});
  EXPECT_EQ(journal_sql("SELECT state FROM jobs WHERE submission_id = 'dlaunch-never-got'"), "submitting\n") << early.err;
  EXPECT_EQ(early.exit_code, 75) << "not known yet is worth asking again, not a final answer:\n" << early.err;
  EXPECT_NE(early.err.find("holds no job of it yet"), std::string::npos) << early.err;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto never = dlaunch({"status", "local:dlaunch-never-got"});
  EXPECT_EQ(never.exit_code, 1) << never.err;
  EXPECT_NE(never.err.find("local holds no job of submission 'dlaunch-never-got'"), std::string::npos) << never.err;
  EXPECT_EQ(journal_sql("SELECT state FROM jobs WHERE submission_id = 'dlaunch-never-got'"), "submit_failed\n");
}

}  // namespace
}  // namespace dlaunch
