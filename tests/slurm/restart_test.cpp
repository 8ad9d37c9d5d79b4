// slurmrestd killed while `dlaunch run --follow` reads through it: dlaunch ends with a clear error (exit 69 or
// 75) that names the server and how long it gave no answer (8 s), and once slurmrestd is back, `status` of
// the job works again. The fixture's slurmrestd (its UNIX socket instance) is killed for real and started
// again as it was: the same program, arguments, environment and directory, read from /proc before the kill.
// Then it is stopped (SIGSTOP) while `logs -f` reads through it: a server that accepts connections and never
// answers ends the same way. The times from the fault to the error are printed, not asserted (they are
// recorded in docs/robustness.md).
#include "slurm_cluster.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

namespace dlaunch::slurm_test {
namespace {

using namespace std::chrono_literals;

// A running daemon, as /proc tells how it was started; start() starts it again the same way.
struct Daemon {
  std::string pid_file;
  pid_t pid = 0;
  std::vector<std::string> argv;
  std::vector<std::string> environment;
  std::string directory;

  static std::vector<std::string> nul_separated(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::string> parts;
    for (std::string part; std::getline(in, part, '\0');) parts.push_back(part);
    return parts;
  }
  explicit Daemon(std::string file) : pid_file(std::move(file)) {
    std::ifstream(pid_file) >> pid;
    const std::string proc = "/proc/" + std::to_string(pid);
    argv = nul_separated(proc + "/cmdline");
    environment = nul_separated(proc + "/environ");
    std::error_code error;
    directory = std::filesystem::read_symlink(proc + "/cwd", error).string();
  }
  // In a session of its own, as start-cluster.sh starts it, writing its new pid to the pid file.
  void start(const std::string& log) {
    pid_t child = fork();
    if (child == 0) {
      setsid();
      if (chdir(directory.c_str()) != 0) _exit(127);
      if (!freopen(log.c_str(), "a", stdout) || !freopen(log.c_str(), "a", stderr) || !freopen("/dev/null", "r", stdin)) {
        _exit(127);
      }
      std::vector<char*> args, env;
      for (auto& a : argv) args.push_back(a.data());
      for (auto& e : environment) env.push_back(e.data());
      args.push_back(nullptr);
      env.push_back(nullptr);
      execvpe(args[0], args.data(), env.data());
      _exit(127);
    }
    pid = child;
    std::ofstream(pid_file) << child << "\n";
  }
};

using SlurmRestRestart = SlurmClusterTest;

TEST_F(SlurmRestRestart, SlurmrestdKilledDuringFollowIsAClearErrorAndStatusWorksWhenItIsBack) {
  const std::filesystem::path cluster_dir = std::filesystem::path(cluster_.socket).parent_path().parent_path();
  Daemon rest((cluster_dir / "slurmrestd.pid").string());
  ASSERT_FALSE(rest.argv.empty()) << "slurmrestd is not running";
  ASSERT_NE(rest.argv[0].find("slurmrestd"), std::string::npos) << rest.argv[0];

  JobSpec spec({shell_role("main", "for i in $(seq 60); do echo tick $i; sleep 1; done")}, "rest-restart");
  const std::string file = write_spec(spec);
  auto follow = std::async(std::launch::async, [&] { return dlaunch({"run", file, "-p", "slurm", "--follow"}, {}, 60s); });
  // The job prints once a second: its first line comes back through slurmrestd once the job runs.
  std::string handle;
  for (auto until = std::chrono::steady_clock::now() + 60s; handle.empty() && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(500ms);
    auto listed = dlaunch({"list", "-o", "json"});
    auto at = listed.out.find("\"handle\": \"slurm:");
    if (at != std::string::npos) handle = listed.out.substr(at + 11, listed.out.find('"', at + 11) - at - 11);
  }
  ASSERT_FALSE(handle.empty()) << "the job was not submitted";
  wait_for_status(handle, "RUNNING");
  std::this_thread::sleep_for(2s);  // --follow is reading output now

  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const std::string no_answer = "no answer from slurmrestd on the UNIX socket " + cluster_.socket + " for 8 s";
  ASSERT_EQ(kill(rest.pid, SIGKILL), 0);
  const auto killed = Clock::now();
  ASSERT_EQ(follow.wait_for(30s), std::future_status::ready) << "run --follow did not give up after slurmrestd died";
  auto result = follow.get();
  std::cout << "[restart] slurmrestd killed; run --follow ended with exit " << result.exit_code << ", "
            << seconds_since(killed) << " s after the kill\n";
  EXPECT_TRUE(result.exit_code == 69 || result.exit_code == 75) << result.exit_code << ": " << result.err;
  EXPECT_TRUE(contains(result.err, no_answer)) << result.err;
  EXPECT_TRUE(contains(result.out, "tick")) << "no output was followed before the kill: " << result.out;

  // Started again as it was (its stale socket first, which it would refuse to replace).
  std::filesystem::remove(cluster_.socket);
  rest.start((cluster_dir / "log" / "slurmrestd.log").string());
  for (auto until = std::chrono::steady_clock::now() + 20s;
       !std::filesystem::exists(cluster_.socket) && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(std::filesystem::exists(cluster_.socket)) << "slurmrestd did not come back";
  auto status = dlaunch({"status", handle});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(contains(status.out, "RUNNING")) << status.out;

  // Silent: stopped, not killed, while `logs -f` follows the same job.
  auto silent_follow = std::async(std::launch::async, [&] { return dlaunch({"logs", handle, "-f"}, {}, 60s); });
  std::this_thread::sleep_for(2s);  // logs -f is reading output now
  ASSERT_EQ(kill(rest.pid, SIGSTOP), 0);
  const auto stopped = Clock::now();
  const bool gave_up = silent_follow.wait_for(30s) == std::future_status::ready;
  const double silent_took = seconds_since(stopped);
  kill(rest.pid, SIGCONT);
  ASSERT_TRUE(gave_up) << "logs -f did not give up on a slurmrestd that no longer answers";
  auto silenced = silent_follow.get();
  std::cout << "[silent] slurmrestd stopped; logs -f ended with exit " << silenced.exit_code << ", " << silent_took
            << " s after the stop\n";
  EXPECT_TRUE(silenced.exit_code == 69 || silenced.exit_code == 75) << silenced.exit_code << ": " << silenced.err;
  EXPECT_TRUE(contains(silenced.err, no_answer)) << silenced.err;
  EXPECT_TRUE(contains(silenced.out, "tick")) << "no output was followed before the stop: " << silenced.out;
  status = dlaunch({"status", handle});
  EXPECT_EQ(status.exit_code, 0) << "after SIGCONT: " << status.err;
  dlaunch({"stop", handle});
}

}  // namespace
}  // namespace dlaunch::slurm_test
