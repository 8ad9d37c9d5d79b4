// What the plugin declares and checks before anything runs: options, validate, dry-run.
#include <string_view>

#include "local/local_platform_test.hpp"

namespace dlaunch::test {
namespace {

using ChecksTest = LocalPlatformTest;

std::vector<Diagnostic> diagnostics_of(const TestJob& job) {
  std::vector<Diagnostic> found;
  CallResult result = LocalPluginClient::instance().validate(job.json(), found);
  EXPECT_TRUE(result.ok()) << result.message;
  return found;
}

TEST_F(ChecksTest, DescribesItselfAndDeclaresTheStopGraceOption) {
  const dlaunch_plugin_api& api = client().api();
  EXPECT_STREQ(api.id, "local");
  ASSERT_NE(api.options, nullptr);
  ASSERT_NE(api.options[0], nullptr);
  EXPECT_STREQ(api.options[0]->name, "stop_grace_seconds");
  EXPECT_EQ(api.options[0]->type, DLAUNCH_OPTION_INTEGER);
  EXPECT_STREQ(api.options[0]->default_json, "10");
  EXPECT_EQ(api.options[1], nullptr);
}

TEST_F(ChecksTest, ValidJobHasNoFindings) {
  EXPECT_TRUE(diagnostics_of(job_with({shell_role("trainer", "true")})).empty());
}

// The host guarantees working_dir is a directory (plugin.h); the plugin does not check it again.
TEST_F(ChecksTest, LeavesTheWorkingDirectoryToTheHost) {
  TestJob job = job_with({shell_role("trainer", "true")});
  job.working_dir = path("does-not-exist");
  EXPECT_TRUE(diagnostics_of(job).empty());
}

TEST_F(ChecksTest, GpusAndSeveralNodesAreWarnings) {
  TestRole role = shell_role("trainer", "true");
  role.gpu = 1;
  TestJob job = job_with({shell_role("server", "true"), role});
  job.node_num = 2;
  auto found = diagnostics_of(job);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].severity, DLAUNCH_SEVERITY_WARNING);
  EXPECT_EQ(found[0].path, "node_num");
  EXPECT_EQ(found[1].severity, DLAUNCH_SEVERITY_WARNING);
  EXPECT_EQ(found[1].path, "roles[1].resources.gpu");
}

TEST_F(ChecksTest, NegativeStopGraceAndUnknownProgramAreReported) {
  TestRole role;
  role.entrypoint = {"dlaunch-no-such-program"};
  TestJob job = job_with({role});
  job.stop_grace_seconds = -1;
  auto found = diagnostics_of(job);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, "roles[0].entrypoint");
  EXPECT_EQ(found[0].severity, DLAUNCH_SEVERITY_WARNING);
  EXPECT_EQ(found[1].path, "platform.local.stop_grace_seconds");
  EXPECT_EQ(found[1].severity, DLAUNCH_SEVERITY_ERROR);
}

TEST_F(ChecksTest, DryRunPrintsEveryReplicaWithItsCommandDirectoryAndVariables) {
  TestRole role;
  role.name = "trainer";
  role.entrypoint = {"python3", "train.py", "--note", "it's fine"};
  role.replicas = 2;
  role.env = {{"LOG_LEVEL", "info"}};
  TestJob job = job_with({role});
  job.working_dir = "/srv/my jobs";
  std::vector<JobStatusCopy> jobs_before, jobs_after;
  ASSERT_TRUE(client().list("{}", jobs_before).ok());
  std::string text;
  CallResult result = client().dry_run(job.json(), "", text);
  ASSERT_TRUE(result.ok()) << result.message;
  for (std::string_view expected : {
           "2 processes on this machine",
           "trainer/0 (driver)\n  command: python3 train.py --note 'it'\\''s fine'\n",
           "  working directory: '/srv/my jobs'\n",
           "trainer/1 (driver)",
           "    RANK=1\n    WORLD_SIZE=2\n",
           "    MASTER_ADDR=127.0.0.1\n    MASTER_PORT=<a free port, chosen when the job starts>\n",
           "    LOG_LEVEL=info\n",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing from:\n" << text;
  }
  ASSERT_TRUE(client().list("{}", jobs_after).ok());
  EXPECT_EQ(jobs_after.size(), jobs_before.size()) << "dry-run submitted a job";
}

}  // namespace
}  // namespace dlaunch::test
