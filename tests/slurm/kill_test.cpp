// `dlaunch run -p slurm` killed with SIGKILL at random points of a submit, as tests/cli/kill_test.cpp does on
// local with a hundred trials; a few here, since each submit reaches the real cluster. The next `list` settles
// every intent the killed submits left by asking Slurm (the submission id travels in the job's comment): each
// job on the cluster is journaled once with its handle, each other submit as failed, and no lock file stays.
#include "slurm_cluster.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <thread>

namespace dlaunch::slurm_test {
namespace {

using SlurmKill = SlurmClusterTest;

// The handles `pattern` (its first group) matches in `text`, in order, repeats kept.
std::vector<std::string> matches(const std::string& text, const std::regex& pattern) {
  std::vector<std::string> found;
  for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) found.push_back((*it)[1]);
  return found;
}

TEST_F(SlurmKill, SubmitsKilledAtRandomPointsAreSettledByTheNextList) {
  const std::string name = "killed-" + std::to_string(::getpid());
  const std::string spec_file = write_spec(JobSpec({shell_role("main", "true")}, name));
  auto submit = [&](std::chrono::milliseconds kill_after) {
    test::ProcessOptions options = process_options({}, std::chrono::seconds(60));
    options.timeout = kill_after;  // then SIGKILL to its process group
    return test::run_dlaunch({"run", spec_file, "-p", "slurm"}, options);
  };
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(test::quickest_of(2, [&] {
    auto whole = submit(std::chrono::seconds(60));
    EXPECT_EQ(whole.exit_code, 0) << whole.err;
  }));
  ASSERT_FALSE(HasFailure()) << "a whole submit must succeed";
  const std::filesystem::path locks = state_.path() + "/dlaunch/submitting";
  auto lock_files = [&] { return test::entries_in(locks); };
  EXPECT_EQ(lock_files(), 0) << "a whole submit removes its lock file";
  // Half the kills anywhere in a submit, half in its last half, where Slurm may have the job already.
  std::mt19937 random(20261203);
  constexpr int kTrials = 12;
  int killed = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const long from = trial % 2 == 0 ? 1 : took.count() / 2;
    const auto delay = std::uniform_int_distribution<long>(from, took.count())(random);
    killed += submit(std::chrono::milliseconds(delay)).timed_out ? 1 : 0;
  }
  EXPECT_GT(killed, 0) << "submits must be cut short for the test to mean anything";

  // A request a killed dlaunch sent may still land: what Slurm does not hold is settled failed only a grace period
  // (a second here) after the first list found it abandoned.
  const std::string config = state_.path() + "/grace.toml";
  std::ofstream(config) << "settle_grace_seconds = 1\n";
  ASSERT_EQ(dlaunch({"--config", config, "list"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto journal = dlaunch({"--config", config, "list", "-o", "json"});
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  EXPECT_EQ(journal.out.find("\"journal_state\": \"submitting\""), std::string::npos)
      << "an intent no submit holds was left unsettled:\n" << journal.out;
  EXPECT_EQ(lock_files(), 0) << "the recovery removes the lock files the killed submits left";
  auto cluster = dlaunch({"list", "-p", "slurm", "-o", "json"});
  ASSERT_EQ(cluster.exit_code, 0) << cluster.err;
  const auto journaled = matches(journal.out, std::regex("\"handle\": \"(slurm:[0-9]+)\""));
  const auto on_slurm = matches(cluster.out, std::regex("\"handle\": \"(slurm:[0-9]+)\",\\s*\"platform\": \"slurm\",\\s*"
                                                        "\"native_id\": \"[0-9]+\",\\s*\"name\": \"" + name + "\""));
  EXPECT_EQ(std::set<std::string>(journaled.begin(), journaled.end()).size(), journaled.size()) << "a job journaled twice";
  EXPECT_EQ(std::set<std::string>(journaled.begin(), journaled.end()), std::set<std::string>(on_slurm.begin(), on_slurm.end()))
      << journal.out << cluster.out;
  std::cout << "[kill] " << killed << " of " << kTrials << " submits killed; " << on_slurm.size()
            << " jobs on Slurm, each journaled once\n";
}

}  // namespace
}  // namespace dlaunch::slurm_test
