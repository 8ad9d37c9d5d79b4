// Submissions through a proxy that drops or stalls 30% of requests at random: every `dlaunch run` still
// succeeds, Ray holds exactly one job per submission (none duplicated, none lost), and the journal lists each
// once with its handle.
#include "cli_test_fixture.hpp"
#include "cutting_proxy.hpp"
#include "text_checks.hpp"

#include <atomic>
#include <map>
#include <regex>
#include <thread>

namespace dlaunch::ray_test {
namespace {

using RayFaults = CliTest;

// Runs `work(i)` for i in [0, count) on `threads` threads.
template <typename F>
void in_parallel(int count, int threads, F work) {
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i; (i = next++) < count;) work(i);
    });
  }
  for (auto& worker : workers) worker.join();
}

TEST_F(RayFaults, HundredSubmissionsThroughDropsAndStallsMakeExactlyHundredJobs) {
  // 15% dropped (half before Ray sees them, half after it answered), 15% held longer than the client waits.
  CuttingProxy proxy(cluster_.port(), CuttingProxy::Faults{0.15, 0.15, std::chrono::milliseconds(1500), 20261201});
  JobSpec spec = shell_job("faults", "true");
  // A resource no node has: the jobs stay PENDING and start no process, so a hundred of them cost nothing.
  spec.option("address", string_literal(proxy.address()))
      .option("entrypoint_resources", "{ dlaunch_fault_test_never = 1 }")
      .option("request_timeout_s", "1")
      .option("max_attempts", "8");
  const std::string spec_file = write_spec(spec);
  constexpr int kSubmissions = 100;
  std::vector<test::ProcessResult> results(kSubmissions);
  in_parallel(kSubmissions, 4, [&](int i) { results[i] = dlaunch({"run", spec_file, "-p", "ray"}); });

  std::map<std::string, int> handles;
  for (const auto& result : results) {
    EXPECT_EQ(result.exit_code, 0) << result.err;
    if (result.exit_code == 0) ++handles[test::last_line(result.out)];
  }
  EXPECT_EQ(handles.size(), static_cast<size_t>(kSubmissions));
  std::cout << "[faults] " << proxy.request_count() << " requests: " << proxy.cut_count() << " dropped, "
            << proxy.stall_count() << " stalled\n";
  EXPECT_GT(proxy.cut_count() + proxy.stall_count(), kSubmissions / 2) << "too few faults to mean anything";

  // Ray's own list: exactly one job per submission.
  rapidjson::Document jobs = rest_.get("/api/jobs/");
  ASSERT_TRUE(jobs.IsArray());
  std::map<std::string, int> on_ray;
  for (const auto& job : jobs.GetArray()) {
    auto id = job.FindMember("submission_id");
    if (id != job.MemberEnd() && id->value.IsString()) ++on_ray["ray:" + std::string(id->value.GetString())];
  }
  for (const auto& [handle, count] : handles) {
    EXPECT_EQ(count, 1) << handle << " printed twice";
    EXPECT_EQ(on_ray[handle], 1) << handle << " on Ray " << on_ray[handle] << " times";
  }

  // The journal: each once.
  auto listed = dlaunch({"list", "-o", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::map<std::string, int> journaled;
  std::regex handle("\"handle\": \"([^\"]+)\"");
  for (std::sregex_iterator it(listed.out.begin(), listed.out.end(), handle), end; it != end; ++it) {
    ++journaled[(*it)[1]];
  }
  EXPECT_EQ(journaled.size(), static_cast<size_t>(kSubmissions));
  for (const auto& [h, count] : handles) EXPECT_EQ(journaled[h], 1) << h;

  // The pending jobs are stopped, straight at the dashboard (the proxy is going).
  const std::string direct = "platform.ray.address=http://127.0.0.1:" + std::to_string(cluster_.port());
  std::vector<std::string> all;
  for (const auto& [h, count] : handles) all.push_back(h);
  in_parallel(static_cast<int>(all.size()), 4, [&](int i) { dlaunch({"stop", all[i], "--set", direct}); });
}

}  // namespace
}  // namespace dlaunch::ray_test
