// Round trips of a submit against the real Ray cluster of the RayCluster fixture, counted by a proxy in
// front of it: the server version is asked once per address and then cached (server_version_cache.hpp), so a
// second submit of a job without a working_dir is its POST alone.
#include "cutting_proxy.hpp"
#include "plugin_test_fixture.hpp"

#include <filesystem>

namespace dlaunch::ray_test {
namespace {

using RayRoundTrips = PluginTest;

TEST_F(RayRoundTrips, ASecondSubmitToTheSameAddressIsOneRequest) {
  // Nothing to cut: the proxy only counts. A new proxy is a new address, so the first submit cannot find a
  // version cached by an earlier run.
  CuttingProxy proxy(cluster_.port(), "no request starts like this", 0);
  JobSpec spec = shell_job("round-trips", "true");
  spec.option("address", string_literal(proxy.address()));

  std::string first = submit(spec);
  std::vector<std::string> lines = proxy.request_lines();
  ASSERT_EQ(lines.size(), 2u) << testing::PrintToString(lines);
  EXPECT_TRUE(lines[0].starts_with("GET /api/version ")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("POST /api/jobs/ ")) << lines[1];

  std::string second = submit(spec);
  lines = proxy.request_lines();
  ASSERT_EQ(lines.size(), 3u) << "the second submit asked more than its POST: " << testing::PrintToString(lines);
  EXPECT_TRUE(lines[2].starts_with("POST /api/jobs/ ")) << lines[2];
  EXPECT_NE(first, second);
  EXPECT_EQ(rest_.count_jobs(second), 1);
  rest_.wait_until_terminal(first);
  rest_.wait_until_terminal(second);
}

}  // namespace
}  // namespace dlaunch::ray_test
