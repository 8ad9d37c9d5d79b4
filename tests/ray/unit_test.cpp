// The ray plugin's pieces, without a cluster: quoting, packages, request bodies, status mapping, endpoint.
#include "endpoint.hpp"
#include "gang_wait.hpp"
#include "job_details.hpp"
#include "job_log.hpp"
#include "job_spec.hpp"
#include "job_translation.hpp"
#include "package.hpp"

#include <gtest/gtest.h>
#include <support/process.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace dlaunch::ray {
namespace {

using ray_test::JobSpec;
using ray_test::RoleSpec;

TEST(RaySubmissionId, PrefixesAndReplacesUnsafeCharacters) {
  EXPECT_EQ(ray_submission_id("mnist-7f3a"), "dlaunch-mnist-7f3a");
  EXPECT_EQ(ray_submission_id("a/b c"), "dlaunch-a_b_c");
  EXPECT_EQ(ray_submission_id("dlaunch-mnist-7f3a"), "dlaunch-mnist-7f3a");
}

PackageOptions excluding(std::vector<std::string> patterns) {
  PackageOptions options;
  options.excludes = std::move(patterns);
  return options;
}

std::vector<std::string> entry_names(const Package& package) {
  std::vector<std::string> names;
  package.walk([&](const Package::Entry& entry) {
    names.push_back(entry.name);
    return true;
  });
  return names;
}

TEST(RayPackage, NameDependsOnContentOnlyAndSkipsExcludedPaths) {
  test::TempDir a, b;
  for (const auto* dir : {&a, &b}) {
    dir->write("train.py", "print(1)\n");
    dir->write("data/part.bin", "xyz");
  }
  a.write(".git/HEAD", "ref: main\n");
  a.write("src/__pycache__/x.pyc", "cache");
  a.write("ckpt/model.ckpt", "weights");
  // The same tree without the excluded files: empty directories are still part of a package.
  std::filesystem::create_directories(b.path() + "/ckpt");
  std::filesystem::create_directories(b.path() + "/src");
  Package pa = Package::scan(a.path(), excluding({"*.ckpt"}));
  Package pb = Package::scan(b.path(), excluding({"*.ckpt"}));
  pa.zip(), pb.zip();  // without a digest cache, zipping reads the files and names the package
  EXPECT_EQ(entry_names(pa), (std::vector<std::string>{"ckpt/", "data/", "data/part.bin", "src/", "train.py"}));
  EXPECT_TRUE(pa.name().starts_with("_ray_pkg_") && pa.name().ends_with(".zip")) << pa.name();
  EXPECT_EQ(pa.name(), pb.name());
  b.write("train.py", "print(2)\n");
  Package changed = Package::scan(b.path(), excluding({"*.ckpt"}));
  changed.zip();
  EXPECT_NE(changed.name(), pa.name());
}

TEST(RayPackage, AnchoredAndDirectoryOnlyPatterns) {
  test::TempDir dir;
  dir.write("out/a.txt", "1");
  dir.write("sub/out", "a file named out");
  dir.write("logs/x.log", "1");
  dir.write("sub/logs/y.log", "1");
  Package p = Package::scan(dir.path(), excluding({"out/", "/logs"}));
  EXPECT_EQ(entry_names(p), (std::vector<std::string>{"sub/", "sub/logs/", "sub/logs/y.log", "sub/out"}));
}

TEST(RayPackage, ZipIsDeterministicAndPrefixedForModules) {
  test::TempDir dir;
  dir.write("__main__.py", "print('driver')\n");
  PackageOptions options;
  options.prefix = "mod/";
  Package p = Package::scan(dir.path(), options);
  EXPECT_EQ(entry_names(p).front(), "mod/");
  auto read = [](const ZipFile& zip) {
    std::ifstream in(zip.path(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string zip = read(p.zip());
  EXPECT_EQ(zip.substr(0, 2), "PK");
  EXPECT_EQ(zip, read(p.zip()));
}

rapidjson::Document body_of(const JobSpec& spec, const ServerVersion& server, SubmitBody* out = nullptr) {
  sdk::Job job = sdk::parse_job(spec.document());
  RayOptions options = RayOptions::from(job.platform);
  SubmitInputs inputs{&job, &options, "dlaunch-x", "x", "0.1.0", server, "gcs://_ray_pkg_wd.zip",
                      "gcs://_ray_pkg_driver.zip"};
  SubmitBody body = build_submit_body(inputs);
  if (out != nullptr) *out = body;
  rapidjson::Document doc;
  doc.Parse(body.json.c_str());
  return doc;
}

TEST(RaySubmitBody, SingleReplicaRunsDirectlyWithTheFoundationEnvironment) {
  JobSpec spec = ray_test::shell_job("direct", "python3 train.py");
  spec.env = {{"K", "job"}};
  spec.roles.front().env = {{"K", "role"}};
  rapidjson::Document body = body_of(spec, ServerVersion::newest());
  // A preamble writes the config file (the cluster tests read it back) and starts the watcher that removes it
  // when the job's process ends, then the entrypoint replaces the shell.
  EXPECT_STREQ(body["entrypoint"].GetString(),
               "export DLAUNCH_CONFIG_FILE=\"${TMPDIR:-/tmp}/\"dlaunch-x.config.json && (umask 077 && printf '%s\\n' "
               "'{}' >\"$DLAUNCH_CONFIG_FILE\") && (dlaunch_job=$$; (tail --pid=\"$dlaunch_job\" -f /dev/null "
               "2>/dev/null || while kill -0 \"$dlaunch_job\" 2>/dev/null; do sleep 1; done; rm -f "
               "\"$DLAUNCH_CONFIG_FILE\") </dev/null >/dev/null 2>&1 &) && exec /bin/sh -c 'python3 train.py'");
  EXPECT_STREQ(body["submission_id"].GetString(), "dlaunch-x");
  const auto& env = body["runtime_env"]["env_vars"];
  EXPECT_STREQ(env["K"].GetString(), "role");
  EXPECT_STREQ(env["RANK"].GetString(), "0");
  EXPECT_STREQ(env["WORLD_SIZE"].GetString(), "1");
  EXPECT_STREQ(env["DLAUNCH_ROLE"].GetString(), "main");
  EXPECT_STREQ(env["DLAUNCH_SUBMISSION_ID"].GetString(), "x");
  EXPECT_STREQ(env["DLAUNCH_RESTART_COUNT"].GetString(), "0");
  EXPECT_STREQ(env["DLAUNCH_NNODES"].GetString(), "1:1");
  EXPECT_STREQ(env["DLAUNCH_MAIN_MASTER_ADDR"].GetString(), "127.0.0.1");
  EXPECT_STREQ(env["DLAUNCH_MAIN_HOSTS"].GetString(), "127.0.0.1");
  EXPECT_STREQ(body["runtime_env"]["working_dir"].GetString(), "gcs://_ray_pkg_wd.zip");
  EXPECT_FALSE(body["runtime_env"].HasMember("py_modules"));
  EXPECT_DOUBLE_EQ(body["entrypoint_num_cpus"].GetDouble(), 0.5);
  EXPECT_STREQ(body["metadata"]["dlaunch.job"].GetString(), "direct");
  EXPECT_STREQ(body["metadata"]["suite"].GetString(), "ray-tests");
}

TEST(RaySubmitBody, SeveralReplicasRunTheGangDriverWithItsPlan) {
  JobSpec spec = ray_test::shell_job("gang", "true");
  spec.roles.front().replicas = 2;
  spec.option("pip", "[\"numpy\"]");
  rapidjson::Document body = body_of(spec, ServerVersion::newest());
  EXPECT_STREQ(body["entrypoint"].GetString(), "exec python3 -m dlaunch_ray_driver");
  EXPECT_STREQ(body["runtime_env"]["py_modules"][0].GetString(), "gcs://_ray_pkg_driver.zip");
  EXPECT_STREQ(body["runtime_env"]["pip"][0].GetString(), "numpy");
  rapidjson::Document plan;
  plan.Parse(body["runtime_env"]["env_vars"][kPlanVariable].GetString());
  EXPECT_EQ(plan["roles"][0]["replicas"].GetInt(), 2);
  EXPECT_FALSE(body.HasMember("entrypoint_num_cpus")) << "the driver itself reserves nothing";
}

TEST(RaySubmitBody, TorchrunOrAStartTimeoutNeedsTheGangDriverEvenForOneReplica) {
  JobSpec spec = ray_test::shell_job("one", "true");
  spec.start_timeout = 5;
  rapidjson::Document plan;
  plan.Parse(body_of(spec, ServerVersion::newest())["runtime_env"]["env_vars"][kPlanVariable].GetString());
  ASSERT_TRUE(plan.IsObject()) << "start_timeout runs the gang driver";
  EXPECT_EQ(plan["start_timeout"].GetInt(), 5);
  EXPECT_STREQ(plan["submission_id"].GetString(), "x");
  EXPECT_STREQ(plan["config"].GetString(), "{}");
  spec.start_timeout = 0;
  spec.roles.front().launcher = "torchrun";
  spec.roles.front().nproc_per_node = 2;
  plan.Parse(body_of(spec, ServerVersion::newest())["runtime_env"]["env_vars"][kPlanVariable].GetString());
  ASSERT_TRUE(plan.IsObject()) << "torchrun runs the gang driver";
  EXPECT_STREQ(plan["roles"][0]["launcher"].GetString(), "torchrun");
  EXPECT_EQ(plan["roles"][0]["nproc_per_node"].GetInt(), 2);
  EXPECT_STREQ(plan["roles"][0]["rdzv_backend"].GetString(), "c10d");
}

// A share of a GPU is Ray's fractional num_gpus, for the gang's actors and for a one-replica job's entrypoint
// alike; colocations reach the driver by role name.
TEST(RaySubmitBody, SharesOfAGpuAndColocationsReachRayAsTheyAre) {
  JobSpec spec = ray_test::shell_job("one", "true");
  spec.roles.front().gpu = 0.5;
  EXPECT_DOUBLE_EQ(body_of(spec, ServerVersion::newest())["entrypoint_num_gpus"].GetDouble(), 0.5);
  spec.roles.push_back(spec.roles.front());
  spec.roles.back().name = "critic";
  spec.colocations = {{"main", "critic"}};
  rapidjson::Document plan;
  plan.Parse(body_of(spec, ServerVersion::newest())["runtime_env"]["env_vars"][kPlanVariable].GetString());
  ASSERT_TRUE(plan.IsObject());
  EXPECT_DOUBLE_EQ(plan["roles"][1]["accelerators"].GetDouble(), 0.5);
  ASSERT_EQ(plan["colocations"].Size(), 1u);
  EXPECT_STREQ(plan["colocations"][0][1].GetString(), "critic");
}

TEST(RaySubmitBody, FieldsAnOldServerDoesNotKnowAreLeftOut) {
  JobSpec spec = ray_test::shell_job("old", "true");
  ServerVersion old = ServerVersion::parse(R"({"version": "3", "ray_version": "2.1.0"})", "http://ray.test:8265");
  SubmitBody out;
  rapidjson::Document body = body_of(spec, old, &out);
  EXPECT_FALSE(body.HasMember("entrypoint_num_cpus"));
  ASSERT_EQ(out.left_out.size(), 1u);
  EXPECT_NE(out.left_out.front().find("needs Ray 2.2"), std::string::npos);
  EXPECT_FALSE(old.has_delete());
}

TEST(RayJobDetails, MapsStatusExitCodeAndOwnership) {
  rapidjson::Document details;
  details.Parse(R"({"type": "SUBMISSION", "submission_id": "dlaunch-a", "status": "FAILED",
                    "message": "Job entrypoint command failed with exit code 3", "driver_exit_code": 3,
                    "start_time": 10, "end_time": 20,
                    "metadata": {"dlaunch.job": "mnist", "dlaunch.submission_id": "a"}})");
  sdk::JobStatus s = to_job_status(details);
  EXPECT_EQ(s.native_id, "dlaunch-a");
  EXPECT_EQ(s.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(s.exit_code, 3);
  EXPECT_EQ(s.name, "mnist");
  EXPECT_TRUE(s.submitted_by_dlaunch);
  EXPECT_EQ(s.end_time_ms, 20);

  details.Parse(R"({"type": "DRIVER", "job_id": "02000000", "submission_id": null, "status": "RUNNING",
                    "metadata": null, "driver_exit_code": null})");
  s = to_job_status(details);
  EXPECT_EQ(s.native_id, "02000000");
  EXPECT_EQ(s.state, DLAUNCH_STATE_RUNNING);
  EXPECT_FALSE(s.exit_code.has_value());
  EXPECT_FALSE(s.submitted_by_dlaunch);
}

TEST(RayJobDetails, AFailedJobSaysWhyOnceWithoutTheLogTail) {
  auto status_of = [](const std::string& entrypoint, const std::string& roles, const std::string& message,
                      int exit_code) {
    rapidjson::Document details;
    details.SetObject();
    auto& a = details.GetAllocator();
    details.AddMember("submission_id", "dlaunch-a", a);
    details.AddMember("status", "FAILED", a);
    details.AddMember("entrypoint", rapidjson::Value(entrypoint.c_str(), a), a);
    details.AddMember("message", rapidjson::Value(message.c_str(), a), a);
    details.AddMember("driver_exit_code", exit_code, a);
    rapidjson::Value metadata(rapidjson::kObjectType);
    metadata.AddMember("dlaunch.roles", rapidjson::Value(roles.c_str(), a), a);
    details.AddMember("metadata", metadata, a);
    return to_job_status(details);
  };
  const std::string gang = "exec python3 -m dlaunch_ray_driver";
  const std::string tail = ", last available logs (truncated to 20,000 chars):\n";
  // The gang driver's last line says how the job ended.
  sdk::JobStatus s = status_of(gang, "w:2",
                               "Job entrypoint command failed with exit code 137" + tail +
                                   "[dlaunch] job x: w x2 (placement PACK)\n[w/1] before\n"
                                   "[dlaunch] w/1 was killed by SIGKILL\n",
                               137);
  EXPECT_EQ(s.message, "w/1 was killed by SIGKILL");
  EXPECT_EQ(s.exit_code, 137);
  // A driver that did not get to say it (a traceback last): Ray's sentence, still without the log.
  s = status_of(gang, "w:2", "Job entrypoint command failed with exit code 1" + tail + "[dlaunch] job x\nValueError: x\n",
                1);
  EXPECT_EQ(s.message, "Job entrypoint command failed with exit code 1");
  // One replica: the user's own output is never taken for the driver's.
  s = status_of("exec /bin/sh -c 'exit 3'", "main:1", "Job entrypoint command failed with exit code 3" + tail +
                                                     "[dlaunch] not the driver\n", 3);
  EXPECT_EQ(s.message, "Job entrypoint command failed with exit code 3");
  // Ray's -N for a process killed by signal N: the signal by name, and the shell's 128 + N.
  s = status_of("exec /bin/sh -c 'kill -KILL $$'", "main:1", "Job entrypoint command failed with exit code -9" + tail + "x\n",
                -9);
  EXPECT_EQ(s.message, "main/0 was killed by SIGKILL");
  EXPECT_EQ(s.exit_code, 137);
  s = status_of(gang, "w:2", "Job entrypoint command failed with exit code -15. No logs available.", -15);
  EXPECT_EQ(s.message, "dlaunch's gang driver was killed by SIGTERM");
  EXPECT_EQ(s.exit_code, 143);
}

TEST(RayGangWait, PendingPlacementGroupsSayWhatTheyWaitFor) {
  rapidjson::Document answer;
  answer.Parse(R"({"result": true, "msg": "", "data": {"result": {"total": 3, "result": [
      {"placement_group_id": "a", "state": "PENDING",
       "bundles": [{"bundle_id": "a0", "unit_resources": {"GPU": 1.0, "CPU": 1.0}},
                   {"bundle_id": "a1", "unit_resources": {"GPU": 1.0, "CPU": 1.0}}]},
      {"placement_group_id": "b", "state": "PENDING",
       "bundles": [{"bundle_id": "b0", "unit_resources": {"CPU": 0.5, "memory": 268435456.0}}]},
      {"placement_group_id": "c", "state": "REMOVED",
       "bundles": [{"bundle_id": "c0", "unit_resources": {"CPU": 64.0}}]}]}}})");
  EXPECT_EQ(waiting_for(answer), "waiting for 2 × {CPU: 1, GPU: 1} + 1 × {CPU: 0.5, memory: 256.0 MiB}");
  answer.Parse(R"({"result": true, "data": {"result": {"result": [
      {"placement_group_id": "a", "state": "CREATED", "bundles": [{"unit_resources": {"CPU": 1.0}}]}]}}})");
  EXPECT_EQ(waiting_for(answer), "");
  EXPECT_EQ(placement_groups_path("02000000"),
            "/api/v0/placement_groups?detail=1&limit=1000&filter_keys=creator_job_id&filter_predicates=%3D&"
            "filter_values=02000000");
}

TEST(RayJobLog, RaysOwnLinesAreLeftOut) {
  const std::string info = "2026-12-01 18:06:18,997\tINFO job_manager.py:581 -- Runtime env is setting up.\n";
  const std::string running = "Running entrypoint for job dlaunch-a: exec python3 -m dlaunch_ray_driver\n";
  EXPECT_EQ(job_output(info + running + "[dlaunch] job a\n[w/0] hi\n", "dlaunch-a"), "[dlaunch] job a\n[w/0] hi\n");
  // Ray's supervisor buffers its line while the entrypoint writes to the same file: it may come later.
  EXPECT_EQ(job_output(info + "only-this\n" + running + "and this\n", "dlaunch-a"), "only-this\nand this\n");
  // What is shown only grows as the log grows.
  const std::string log = info + "only-this\n" + running + "and this\n";
  std::string shown;
  for (size_t size = 0; size <= log.size(); ++size) {
    std::string now = job_output(log.substr(0, size), "dlaunch-a");
    EXPECT_TRUE(now.starts_with(shown)) << "'" << shown << "' then '" << now << "'";
    shown = now;
  }
  EXPECT_EQ(shown, "only-this\nand this\n");
  // Anything that is not Ray's is the job's: pip's output of a runtime_env that failed, another job's line.
  const std::string pip = info + "ERROR: No matching distribution found for nosuchpackage\n";
  EXPECT_EQ(job_output(pip, "dlaunch-a"), "ERROR: No matching distribution found for nosuchpackage\n");
  EXPECT_EQ(job_output("Running entrypoint for job dlaunch-b: x\n", "dlaunch-a"),
            "Running entrypoint for job dlaunch-b: x\n");
  EXPECT_EQ(job_output("no newline yet", "dlaunch-a"), "no newline yet");
}

TEST(RayEndpoint, AddressComesFromTheOptionThenRayAddressThenTheDefault) {
  RayOptions options;
  unsetenv("RAY_ADDRESS");
  EXPECT_EQ(resolve_endpoint(options).address, kDefaultAddress);
  setenv("RAY_ADDRESS", "https://ray.example:8443/", 1);
  EXPECT_EQ(resolve_endpoint(options).address, "https://ray.example:8443");
  options.address = "http://10.0.0.1:8265";
  EXPECT_EQ(resolve_endpoint(options).address, "http://10.0.0.1:8265");
  unsetenv("RAY_ADDRESS");
}

// A GCS or Ray Client address in RAY_ADDRESS is what `ray start` prints and the Python API takes: never
// ignored, refused with the dashboard URL that goes with it.
TEST(RayEndpoint, AGcsOrRayClientAddressInRayAddressIsRefusedNamingTheDashboardUrl) {
  RayOptions options;
  for (const auto& [address, expected] : std::vector<std::pair<std::string, std::string>>{
           {"10.0.0.1:6379", "http://10.0.0.1:8265"},
           {"ray://head.example:10001", "http://head.example:8265"},
           {"[fd00::1]:6379", "http://[fd00::1]:8265"},
           {"auto", "http://127.0.0.1:8265"}}) {
    setenv("RAY_ADDRESS", address.c_str(), 1);
    try {
      resolve_endpoint(options);
      ADD_FAILURE() << address << " was taken";
    } catch (const sdk::Error& e) {
      EXPECT_EQ(e.code(), DLAUNCH_ERR_INVALID_ARGUMENT);
      const std::string message = e.what();
      EXPECT_NE(message.find("RAY_ADDRESS is '" + address + "'"), std::string::npos) << message;
      EXPECT_NE(message.find("export RAY_ADDRESS=" + expected), std::string::npos) << message;
      EXPECT_NE(message.find("port 8265"), std::string::npos) << message;
    }
  }
  unsetenv("RAY_ADDRESS");
}

TEST(RayEndpoint, LoopbackAddressesAreKnown) {
  for (const char* url : {"http://127.0.0.1:8265", "http://localhost:8265/", "https://LOCALHOST", "http://[::1]:8265",
                          "http://127.1.2.3:9"}) {
    EXPECT_TRUE(is_loopback_url(url)) << url;
  }
  for (const char* url : {"http://10.0.0.1:8265", "http://ray.example:8265", "http://127.example:8265",
                          "http://[fd00::1]:8265"}) {
    EXPECT_FALSE(is_loopback_url(url)) << url;
  }
}

TEST(RayEndpoint, AnExplicitAuthorizationHeaderWinsOverTokens) {
  RayOptions options;
  options.headers = {{"authorization", "Basic abc"}};
  setenv("RAY_AUTH_TOKEN", "t", 1);
  Endpoint endpoint = resolve_endpoint(options);
  unsetenv("RAY_AUTH_TOKEN");
  EXPECT_FALSE(endpoint.credentials.has_value());
  ASSERT_EQ(endpoint.headers.size(), 1u);
  EXPECT_EQ(endpoint.headers.front().second, "Basic abc");
}

TEST(RayEndpoint, NamedTokenFileThatCannotBeReadIsAnAuthenticationError) {
  RayOptions options;
  options.token_file = "/nonexistent/token";
  try {
    resolve_endpoint(options);
    FAIL() << "expected an error";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.code(), DLAUNCH_ERR_UNAUTHENTICATED);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/token"), std::string::npos);
  }
}

}  // namespace
}  // namespace dlaunch::ray
