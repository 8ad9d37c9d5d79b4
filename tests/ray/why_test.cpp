// "No output lost" and "why, always" on Ray, through the built `dlaunch` binary against the RayCluster
// fixture: every replica's last lines survive all of them failing at once; a gang waiting for resources is
// PENDING and says for what; a failure is told once, a signal by its name; the log holds only the job's
// lines and dlaunch's; an address mistake is pointed out at once.
#include "cli_test_fixture.hpp"
#include "text_checks.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <chrono>
#include <future>
#include <sstream>
#include <thread>

namespace dlaunch::ray_test {
namespace {

using namespace std::chrono_literals;
using RayWhy = CliTest;

// Repeats a check until it holds or `limit` passes; returns whether it held.
template <typename Check>
bool eventually(Check check, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!check()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(500ms);
  }
  return true;
}

// Whether any of the cluster's placement groups is PENDING, from Ray's state API.
bool a_placement_group_waits(const RayRest& rest) {
  rapidjson::Document answer =
      rest.get("/api/v0/placement_groups?filter_keys=state&filter_predicates=%3D&filter_values=PENDING");
  const rapidjson::Value* at = &answer;
  for (const char* key : {"data", "result", "result"}) {
    if (!at->IsObject() || !at->HasMember(key)) return false;
    at = &(*at)[key];
  }
  return at->IsArray() && !at->Empty();
}

// This machine's first IPv4 address that is not loopback, or empty when it has none.
std::string outward_ipv4() {
  ifaddrs* interfaces = nullptr;
  if (getifaddrs(&interfaces) != 0) return {};
  std::string found;
  for (const ifaddrs* i = interfaces; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text)) {
      found = text;
    }
  }
  freeifaddrs(interfaces);
  return found;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every rank prints its last line, waits until all ranks have, and fails: all at the same moment, in 20 runs
// of the gang (failover restarts it each time, so one job holds them all). A line missing from
// `run --follow` or `logs`, or coming after the driver's word on how that run ended, is output lost.
TEST_F(RayWhy, EveryRanksLastLineSurvivesAllRanksFailingAtOnceTwentyTimes) {
  constexpr int kRanks = 20;
  constexpr int kRuns = 20;
  // The barrier: a file per rank and run in a directory of this test (the cluster runs on this machine),
  // counted by the shell itself (a glob), so that 20 waiting ranks leave the CPUs to the driver.
  const std::string barrier = "d=\"$BARRIER/$DLAUNCH_RESTART_COUNT\"; mkdir -p \"$d\"; touch \"$d/$RANK\"; "
                              "while set -- \"$d\"/*; [ $# -lt " + std::to_string(kRanks) +
                              " ]; do sleep 0.05; done";
  JobSpec spec = job("why-all-fail", "");
  const std::string print_last = "echo \"last line of $RANK in run $DLAUNCH_RESTART_COUNT\"";
  spec.roles = {RoleSpec{"w", print_last + "; " + barrier + "; exit 3", kRanks, 1, 0.1, {}, true}};
  spec.env = {{"BARRIER", state_.path() + "/barrier"}};
  spec.max_restarts = kRuns - 1;
  spec.option("poll_interval_s", "0.5");
  auto followed = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  EXPECT_EQ(followed.exit_code, 3) << followed.err;
  auto logs = dlaunch({"logs", test::last_line(followed.out)});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  for (const auto* output : {&followed.out, &logs.out}) {
    size_t run_starts = 0;
    for (int run = 0; run < kRuns; ++run) {
      // The driver's word on this run: "[dlaunch] w/K exited with code 3", then the restart or the end.
      size_t run_ends = output->find("[dlaunch] w/", run_starts);
      ASSERT_NE(run_ends, std::string::npos) << "run " << run << " has no end:\n" << *output;
      for (int rank = 0; rank < kRanks; ++rank) {
        std::string line = "[w/" + std::to_string(rank) + "] last line of " + std::to_string(rank) + " in run " +
                           std::to_string(run) + "\n";
        size_t at = output->find(line, run_starts);
        EXPECT_TRUE(at != std::string::npos && at < run_ends) << line << "is missing before the end of its run";
      }
      run_starts = output->find('\n', run_ends);
    }
  }
}

// A gang that waits for its placement groups is PENDING with what it waits for, in `run --wait` as it
// happens, and in the log; once the cluster frees the resources it runs.
TEST_F(RayWhy, RunWaitShowsAGangPendingWithWhatItWaitsForUntilItRuns) {
  JobSpec blocker_spec = job("why-blocker", "sleep 300");
  blocker_spec.roles.front().cpu = 3.5;  // of the cluster's 4
  std::string blocker = run(blocker_spec);
  ASSERT_TRUE(eventually([&] { return rest_.get("/api/jobs/" + native_id(blocker))["status"] == "RUNNING"; }, 60s));
  // The blocker ends once the gang's placement groups have been seen waiting for a few seconds.
  auto unblocked = std::async(std::launch::async, [&] {
    eventually([&] { return a_placement_group_waits(rest_); }, 120s);
    std::this_thread::sleep_for(4s);
    return dlaunch({"stop", blocker});
  });
  JobSpec spec = job("why-waits", "");
  spec.roles = {RoleSpec{"w", "echo ran", 2, 1, 0.5, {}, true}};
  auto waited = dlaunch({"run", write_spec(spec), "-p", "ray", "--wait"});
  EXPECT_EQ(unblocked.get().exit_code, 0);
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_TRUE(contains(waited.err, " PENDING: waiting for 2 × {CPU: 0.5}\n")) << waited.err;
  auto logs = dlaunch({"logs", test::last_line(waited.out)});
  EXPECT_TRUE(contains(logs.out, "[dlaunch] waiting for resources (")) << logs.out;
  EXPECT_TRUE(contains(logs.out, "w: 2 × {CPU: 0.5}; the cluster has {CPU: 4")) << logs.out;
  EXPECT_TRUE(contains(logs.out, "[w/1] ran\n")) << logs.out;
}

TEST_F(RayWhy, StatusShowsAGangThatCannotBePlacedAsPendingWithWhatItWaitsFor) {
  JobSpec spec = job("why-gpus", "");
  spec.roles = {RoleSpec{"w", "true", 2, 1, 0.5, {}, true, 3}};  // 6 GPUs; the cluster has 4
  std::string handle = run(spec);
  test::ProcessResult status;
  // Ray's own PENDING comes first (the driver starting), then the driver's placement groups wait.
  EXPECT_TRUE(eventually([&] { return contains((status = dlaunch({"status", handle})).out, ":  waiting for"); }, 60s))
      << status.out << status.err;
  EXPECT_TRUE(contains(status.out, handle + "  PENDING\n")) << status.out;
  EXPECT_TRUE(contains(status.out, "  message:  waiting for 2 × {CPU: 0.5, GPU: 3}\n")) << status.out;
  EXPECT_EQ(dlaunch({"stop", handle}).exit_code, 0);
  auto stopped = dlaunch({"status", handle, "--wait"});
  EXPECT_TRUE(contains(stopped.out, "STOPPED")) << stopped.out;
}

// A failed job's status says why once: the replica and how it ended (a signal by its name), never the log.
TEST_F(RayWhy, AReplicaKilledByASignalIsReportedOnceByTheSignalsName) {
  JobSpec spec = job("why-killed", "");
  spec.roles = {RoleSpec{"w", "if [ \"$RANK\" = 1 ]; then echo before; kill -KILL $$; fi; sleep 30", 2, 1, 0.5, {}, true}};
  auto waited = dlaunch({"run", write_spec(spec), "-p", "ray", "--wait"});
  EXPECT_EQ(waited.exit_code, 137) << waited.err;  // as a shell reports it
  EXPECT_TRUE(contains(waited.err, "FAILED (exit 137): w/1 was killed by SIGKILL\n")) << waited.err;
  const std::string handle = test::last_line(waited.out);
  auto status = dlaunch({"status", handle});
  EXPECT_TRUE(contains(status.out, "  message:  w/1 was killed by SIGKILL\n")) << status.out;
  auto logs = dlaunch({"logs", handle});
  EXPECT_TRUE(contains(logs.out, "[w/1] before\n")) << logs.out;
  EXPECT_TRUE(logs.out.ends_with("[dlaunch] w/1 was killed by SIGKILL\n")) << logs.out;
  for (const auto* text : {&waited.err, &status.out}) {
    EXPECT_FALSE(contains(*text, "code 137")) << *text;
    EXPECT_FALSE(contains(*text, "before")) << "the log repeated: " << *text;
  }

  auto single = dlaunch({"run", write_spec(job("why-killed-one", "echo before; kill -KILL $$")), "-p", "ray", "--wait"});
  EXPECT_EQ(single.exit_code, 137) << single.err;
  EXPECT_TRUE(contains(single.err, "FAILED (exit 137): main/0 was killed by SIGKILL\n")) << single.err;
}

TEST_F(RayWhy, AFailedJobsStatusStatesRaysMessageOnceWithoutTheLog) {
  auto waited = dlaunch({"run", write_spec(job("why-exit-three", "echo some-output; exit 3")), "-p", "ray", "--wait"});
  EXPECT_EQ(waited.exit_code, 3) << waited.err;
  EXPECT_TRUE(contains(waited.err, "FAILED (exit 3): Job entrypoint command failed with exit code 3\n")) << waited.err;
  auto status = dlaunch({"status", test::last_line(waited.out)});
  EXPECT_TRUE(contains(status.out, "  message:  Job entrypoint command failed with exit code 3\n")) << status.out;
  for (const auto* text : {&waited.err, &status.out}) EXPECT_FALSE(contains(*text, "some-output")) << *text;
}

// Only the job's lines ([role/rank]) and dlaunch's ([dlaunch]) in a gang's log: none of Ray's INFO lines,
// no colour codes. A one-replica job's log is its output alone.
TEST_F(RayWhy, AGangsLogHoldsOnlyTheJobsAndDlaunchsLines) {
  JobSpec spec = job("why-quiet", "");
  spec.roles = {RoleSpec{"w", "echo \"hello from $RANK\"", 2, 1, 0.5, {}, true}};
  auto followed = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"}, {{"NO_COLOR", "1"}, {"TERM", "dumb"}});
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  const std::string handle = test::last_line(followed.out);
  auto logs = dlaunch({"logs", handle});
  for (const auto* output : {&followed.out, &logs.out}) {
    EXPECT_TRUE(contains(*output, "[w/1] hello from 1\n")) << *output;
    EXPECT_FALSE(contains(*output, "\033")) << *output;
    for (const auto& line : lines_of(*output)) {
      if (line == handle) continue;
      EXPECT_TRUE(line.starts_with("[dlaunch] ") || line.starts_with("[w/")) << "not the job's: " << line;
    }
  }
  // A one-replica job's log is its output alone.
  auto single = dlaunch({"run", write_spec(job("why-quiet-one", "echo only-this")), "-p", "ray", "--follow"});
  EXPECT_EQ(single.exit_code, 0) << single.err;
  const std::string single_handle = test::last_line(single.out);
  EXPECT_EQ(single.out, "only-this\n" + single_handle + "\n");
  EXPECT_EQ(dlaunch({"logs", single_handle}).out, "only-this\n");
}

// Nothing listens on a loopback port: that is known at once, without retries (elsewhere they go on). A GCS
// address in RAY_ADDRESS is refused with the dashboard URL it should be.
TEST_F(RayWhy, AddressMistakesArePointedOutAtOnce) {
  auto refused = dlaunch({"list", "-p", "ray", "--set", "platform.ray.address=http://127.0.0.1:9"});
  EXPECT_EQ(refused.exit_code, 69) << refused.err;
  EXPECT_TRUE(contains(refused.err, "cannot reach the Ray dashboard at http://127.0.0.1:9")) << refused.err;
  EXPECT_FALSE(contains(refused.err, "retrying")) << refused.err;

  // The same refusal from this machine's outward address is retried: it may be a cluster starting up.
  if (std::string outward = outward_ipv4(); !outward.empty()) {
    auto retried = dlaunch({"list", "-p", "ray", "--set", "platform.ray.address=http://" + outward + ":9", "--set",
                            "platform.ray.max_attempts=2"});
    EXPECT_EQ(retried.exit_code, 69) << retried.err;
    EXPECT_TRUE(contains(retried.err, "retrying in")) << retried.err;
  }

  auto gcs = dlaunch({"list", "-p", "ray"}, {{"RAY_ADDRESS", "127.0.0.1:6379"}});
  EXPECT_EQ(gcs.exit_code, 65) << gcs.err;  // the configuration is invalid
  EXPECT_TRUE(contains(gcs.err, "RAY_ADDRESS is '127.0.0.1:6379', not the Ray dashboard's URL")) << gcs.err;
  EXPECT_TRUE(contains(gcs.err, "export RAY_ADDRESS=http://127.0.0.1:8265")) << gcs.err;
}

}  // namespace
}  // namespace dlaunch::ray_test
