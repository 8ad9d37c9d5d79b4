// `dlaunch ... -p ray`: the built binary end to end against the real Ray cluster of the RayCluster fixture.
#include <filesystem>
#include "cli_test_fixture.hpp"
#include "cutting_proxy.hpp"
#include "text_checks.hpp"

#include <chrono>
#include <sstream>
#include <thread>

namespace dlaunch::ray_test {
namespace {

using namespace std::chrono_literals;
using RayCli = CliTest;

std::string ray_status(const RayRest& rest, const std::string& id) {
  rapidjson::Document job = rest.get("/api/jobs/" + id);
  return job.IsObject() ? job["status"].GetString() : "";
}

TEST_F(RayCli, OneRoleJobSucceedsAndItsOutputIsInTheLogs) {
  std::string handle = run(job("cli-one-role", "echo hello-from-cli"));
  auto waited = dlaunch({"status", handle, "--wait"});
  EXPECT_EQ(waited.exit_code, 0) << waited.out << waited.err;
  auto logs = dlaunch({"logs", handle});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_TRUE(contains(logs.out, "hello-from-cli")) << logs.out;
}

TEST_F(RayCli, JobExitingThreeMakesRunWaitExitThreeAndStatusShowsRaysMessage) {
  auto run_result = dlaunch({"run", write_spec(job("cli-exit-three", "exit 3")), "-p", "ray", "--wait",
                             "--output", "json"});
  EXPECT_EQ(run_result.exit_code, 3) << run_result.err;
  rapidjson::Document final_status;
  final_status.Parse(run_result.out.c_str());
  ASSERT_TRUE(final_status.IsObject()) << run_result.out;
  std::string id = final_status["native_id"].GetString();
  auto status = dlaunch({"status", "ray:" + id});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_TRUE(contains(status.out, "FAILED")) << status.out;
  EXPECT_TRUE(contains(status.out, "exit code 3")) << "Ray's message: " << status.out;
}

TEST_F(RayCli, TwoRoleJobFollowShowsEveryReplicaWithItsRankAndRole) {
  JobSpec spec = job("cli-two-roles", "");
  spec.roles.clear();
  const std::string report = "echo \"ROLE=$DLAUNCH_ROLE RANK=$RANK WORLD_SIZE=$WORLD_SIZE\"";
  spec.roles.push_back(RoleSpec{"trainer", report, 2, 1, 0.5, {}, true});
  spec.roles.push_back(RoleSpec{"evaluator", report, 1, 1, 0.5, {}, true});
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  for (const char* line : {"[trainer/0] ROLE=trainer RANK=0 WORLD_SIZE=2", "[trainer/1] ROLE=trainer RANK=1 WORLD_SIZE=2",
                           "[evaluator/0] ROLE=evaluator RANK=0 WORLD_SIZE=1"}) {
    EXPECT_TRUE(contains(result.out, line)) << line << " missing from:\n" << result.out;
  }
}

TEST_F(RayCli, WorkingDirFileIsReadAndAnIdenticalSecondRunSkipsTheUpload) {
  std::string marker = "marker-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  work_.write("input.txt", marker + "\n");
  JobSpec spec = job("cli-working-dir", "cat input.txt");
  auto first = dlaunch({"-v", "run", write_spec(spec), "-p", "ray", "--follow"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(contains(first.out, marker)) << first.out;
  EXPECT_TRUE(contains(first.err, "uploading")) << first.err;
  auto second = dlaunch({"-v", "run", write_spec(spec), "-p", "ray", "--wait"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(contains(second.err, "upload skipped")) << second.err;
  EXPECT_FALSE(contains(second.err, "uploading")) << second.err;

  // A sweep's jobs, submitted at once, share their new package: it is asked for and uploaded once, not per job.
  work_.write("input.txt", marker + "-sweep\n");
  auto sweep = dlaunch({"-v", "run", write_spec(spec), "-p", "ray", "--sweep", "seed=1,2,3,4"});
  EXPECT_EQ(sweep.exit_code, 0) << sweep.err;
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = sweep.err.find(what); at != std::string::npos; at = sweep.err.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("uploading "), 1u) << sweep.err;
  EXPECT_EQ(count("/api/packages/gcs/"), 2u) << sweep.err;  // its GET, then its PUT
  EXPECT_EQ(count("POST http"), 4u) << sweep.err;
}

TEST_F(RayCli, EnvironmentVariablesReachTheJob) {
  JobSpec spec = job("cli-env", "echo \"GREETING=$GREETING LEVEL=$LEVEL\"");
  spec.env = {{"GREETING", "hello world"}};
  spec.roles.front().env = {{"LEVEL", "debug"}};
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--follow"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "GREETING=hello world LEVEL=debug")) << result.out;
}

TEST_F(RayCli, LogsFollowShowsLinesBeforeTheJobEnds) {
  JobSpec spec = job("cli-follow", "echo early-line; sleep 8; echo late-line");
  spec.option("poll_interval_s", "0.5");
  std::string handle = run(spec);
  // Each line of `logs -f` stamped with the time it came out, to compare with the job's end.
  std::string stamped = "\"" + test::dlaunch_binary() + "\" logs -f " + handle +
                        " | while IFS= read -r line; do echo \"$(date +%s%3N) $line\"; done";
  test::ProcessOptions options;
  options.env = {{"XDG_STATE_HOME", state_.path() + "/state"}, {"XDG_CONFIG_HOME", state_.path() + "/config"}};
  auto result = test::run_process({"/bin/sh", "-c", stamped}, options);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  int64_t early_at = 0;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (contains(line, "early-line") && early_at == 0) early_at = std::stoll(line.substr(0, line.find(' ')));
  }
  ASSERT_GT(early_at, 0) << result.out;
  EXPECT_TRUE(contains(result.out, "late-line")) << result.out;
  int64_t ended_at = rest_.get("/api/jobs/" + native_id(handle))["end_time"].GetInt64();
  EXPECT_LT(early_at, ended_at - 3000) << "the early line came out at most 3 s before the job's end";
}

TEST_F(RayCli, StopBringsASleepingJobToStopped) {
  std::string handle = run(job("cli-stop", "sleep 300"));
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (ray_status(rest_, native_id(handle)) != "RUNNING") {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the job never started";
    std::this_thread::sleep_for(200ms);
  }
  auto stopped = dlaunch({"stop", handle});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  // Far less than the 300 s the job would sleep.
  for (deadline = std::chrono::steady_clock::now() + 60s; ray_status(rest_, native_id(handle)) != "STOPPED";) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "Ray did not stop the job";
    std::this_thread::sleep_for(100ms);
  }
  auto status = dlaunch({"status", handle});
  EXPECT_TRUE(contains(status.out, "STOPPED")) << status.out;
}

TEST_F(RayCli, DeleteIsRefusedWhileRunningAndWorksAfterTheEnd) {
  std::string handle = run(job("cli-delete", "sleep 300"));
  auto refused = dlaunch({"delete", handle});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(contains(refused.err, "stop it first") || contains(refused.err, "Stop it first")) << refused.err;
  EXPECT_EQ(dlaunch({"stop", handle}).exit_code, 0);
  dlaunch({"status", handle, "--wait"});
  auto deleted = dlaunch({"delete", handle});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(rest_.count_jobs(native_id(handle)), 0);
}

TEST_F(RayCli, ListShowsTheJobs) {
  std::string handle = run(job("cli-listed", "true"));
  // No spec names the cluster here: RAY_ADDRESS does (the test cluster is on ports it picked, not the default).
  auto listed = dlaunch({"list", "-p", "ray", "--output", "json"}, {{"RAY_ADDRESS", cluster_.address}});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(contains(listed.out, native_id(handle))) << listed.out;
}

TEST_F(RayCli, DryRunAgainstAnUnreachableAddressPrintsTheRequests) {
  JobSpec spec = shell_job("cli-dry", "python3 train.py");
  spec.option("address", "\"http://127.0.0.1:9\"");
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--dry-run"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "POST http://127.0.0.1:9/api/jobs/")) << result.out;
  EXPECT_TRUE(contains(result.out, " && exec /bin/sh -c 'python3 train.py'\",\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "_ray_pkg_")) << result.out;
}

TEST_F(RayCli, AnEmptyWorkingDirShipsNoPackage) {
  JobSpec spec = shell_job("cli-empty-dir", "true");
  spec.working_dir = std::filesystem::path(write_spec(spec)).parent_path() / "empty";
  std::filesystem::create_directory(spec.working_dir);
  spec.option("address", "\"http://127.0.0.1:9\"");
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray", "--dry-run"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(contains(result.out, "_ray_pkg_")) << result.out;
}

TEST_F(RayCli, UnreachableAddressExitsSixtyNine) {
  JobSpec spec = shell_job("cli-unreachable", "true");
  spec.option("address", "\"http://127.0.0.1:9\"").option("max_attempts", "1");
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray"});
  EXPECT_EQ(result.exit_code, 69) << result.err;
  EXPECT_TRUE(contains(result.err, "cannot reach the Ray dashboard at http://127.0.0.1:9")) << result.err;
}

TEST_F(RayCli, AmbiguousSubmitStillYieldsExactlyOneRayJob) {
  CuttingProxy proxy(cluster_.port());
  JobSpec spec = shell_job("cli-ambiguous", "echo once");
  spec.option("address", string_literal(proxy.address()));
  auto result = dlaunch({"run", write_spec(spec), "-p", "ray"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(proxy.cut_count(), 1);
  std::string id = native_id(test::last_line(result.out));
  EXPECT_EQ(rest_.count_jobs(id), 1);
  rest_.wait_until_terminal(id);
}

}  // namespace
}  // namespace dlaunch::ray_test
