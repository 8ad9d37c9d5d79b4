// A plugin built against an older SDK cannot read a newer job document: the user gets an error at each spec
// value that needs the newer version, naming the plugin's version, with exit 65 (docs/job-document.md,
// "Versions"). The test plugins are tests/plugins/c_test_plugin.c, which refuses a document above its version.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

// Two roles sharing a GPU (lines 6 and 11), placed together (the [[colocations]] table on line 13), and a
// role of version 2 (min_replicas, line 20).
constexpr const char* kSharedGpuJob = R"(device_per_node = 1

[[roles]]
name = "actor"
entrypoint = "act"
resources = { gpu = 0.5 }

[[roles]]
name = "critic"
entrypoint = "judge"
resources = { gpu = 0.5 }

[[colocations]]
roles = ["actor", "critic"]

[[roles]]
name = "elastic"
entrypoint = "grow"
replicas = 2
min_replicas = 1
)";

class DocumentVersionTest : public CliTest {
 protected:
  test::ProcessResult validate(const std::string& platform) {
    return dlaunch({"validate", spec("job.toml", kSharedGpuJob), "-p", platform,
                    std::string("--plugin-dir=") + DLAUNCH_TEST_PLUGIN_DIR});
  }
};

// Its manifest says it reads version 2: the host never sends it the version 3 document, so the plugin's own
// unlocated refusal never shows.
TEST_F(DocumentVersionTest, APluginThatDeclaresAnOlderVersionGetsAnErrorAtEachNewerValue) {
  auto r = validate("document-v2");
  EXPECT_EQ(r.exit_code, 65) << r.err;
  const std::string head = ": error: platform 'document-v2' (plugin built for job document v2) cannot read ";
  EXPECT_NE(r.err.find("job.toml:6:21" + head + "a share of a GPU (needs document v3)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("job.toml:11:21" + head + "a share of a GPU (needs document v3)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("job.toml:13:1" + head + "colocated roles ([[colocations]]) (needs document v3)"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rebuild the plugin against an SDK whose DLAUNCH_JOB_SCHEMA_VERSION is 3 or more"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("min_replicas"), std::string::npos) << "it reads version 2 fields:\n" << r.err;
  EXPECT_EQ(r.err.find("schema_version"), std::string::npos) << "the plugin was called:\n" << r.err;
  EXPECT_NE(r.err.find("3 errors"), std::string::npos) << r.err;
}

// Its manifest predates the claim (built against the frozen ABI 1.0 header, document version 1): the host
// recognises the plugin's refusal and reports the same way, the version 2 field too.
TEST_F(DocumentVersionTest, AnOldPluginsRefusalOfTheDocumentIsLocatedToo) {
  auto r = validate("frozen-abi");
  EXPECT_EQ(r.exit_code, 65) << r.err;
  const std::string head = ": error: platform 'frozen-abi' (plugin built for job document v1) cannot read ";
  EXPECT_NE(r.err.find("job.toml:6:21" + head + "a share of a GPU (needs document v3)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("job.toml:13:1" + head + "colocated roles"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("job.toml:20:16" + head + "min_replicas (needs document v2)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("4 errors"), std::string::npos) << r.err;
}

// A job that needs no newer version reaches the same plugins as before.
TEST_F(DocumentVersionTest, AJobOfAnOlderVersionStillReachesThePlugin) {
  auto r = dlaunch({"validate", spec("whole.toml", "[[roles]]\nname = \"t\"\nentrypoint = \"true\"\n"), "-p",
                    "frozen-abi", std::string("--plugin-dir=") + DLAUNCH_TEST_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace dlaunch
