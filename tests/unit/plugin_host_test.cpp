// The plugin host: manifest discovery, trust checks, ABI negotiation, containment of misbehaving plugins,
// and a round trip of every operation through the C ABI. The plugins come from tests/plugins/.
#include <dlaunch/core/builder.hpp>
#include <dlaunch/core/conformance.hpp>
#include <dlaunch/core/job_document.hpp>
#include <dlaunch/core/platform.hpp>
#include <dlaunch/core/plugin_catalog.hpp>
#include <dlaunch/core/plugin_host.hpp>
#include <dlaunch/plugin.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/plugin_client.hpp"
#include "support/process.hpp"

namespace dlaunch {
namespace {

// A job document as the host writes it, with `options_json` as the plugin's own options.
std::string document(const std::string& options_json = "{}") {
  return job_document(JobBuilder("host-test").role("main").entrypoint({"true"}).build(), options_json);
}

namespace fs = std::filesystem;

const fs::path kPlugins = DLAUNCH_TEST_PLUGIN_DIR;

class PluginHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Plugins get a state directory under XDG_STATE_HOME: keep it inside the test's temporary directory.
    setenv("XDG_STATE_HOME", state_.path().c_str(), 1);
  }

  PluginManifest manifest(const std::string& id) {
    auto m = read_manifest(kPlugins / id / "plugin.json");
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error());
    return m.value_or(PluginManifest{});
  }

  test::TempDir state_;
};

TEST_F(PluginHostTest, DiscoversEveryTestPluginWithoutLoadingIt) {
  auto catalog = PluginCatalog::discover({kPlugins});
  auto ids = catalog.ids();
  for (const char* id : {"good", "wrong-major", "newer-minor", "no-entry", "throwing", "disagreeing-options", "manifest-v1"}) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  }
  const PluginManifest* good = catalog.find("good");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(good->abi_major, 1u);
  EXPECT_EQ(good->library, kPlugins / "good" / "libdlaunch-good.so");
  // Its options, from tests/plugins/options.json through dlaunch_add_plugin, without loading it.
  EXPECT_TRUE(good->declares_options);
  ASSERT_EQ(good->options.size(), 4u);
  EXPECT_EQ(good->options[2].name, "retries");
  EXPECT_EQ(good->options[2].type, OptionType::kInteger);
  EXPECT_EQ(good->options[2].default_json, "3");
}

TEST_F(PluginHostTest, GoodPluginRoundTripsEveryOperation) {
  auto platform = Platform::load(manifest("good"));
  ASSERT_TRUE(platform.has_value()) << platform.error().message;
  const Platform& p = **platform;
  EXPECT_EQ(p.version(), "9.9.9");
  ASSERT_EQ(p.options().size(), 4u);
  EXPECT_EQ(p.options()[0].name, "flag");
  EXPECT_EQ(p.options()[0].default_json, "true");
  EXPECT_TRUE(p.options()[1].secret);
  // Quotes, backslashes, semicolons and "??" in help and defaults survive the generated C header unchanged.
  EXPECT_EQ(p.options()[3].help, "Help with \"quotes\", a back\\slash, a; semicolon, ?\?= (no trigraph) and [brackets].");
  EXPECT_EQ(p.options()[3].default_json, "{\"a\":[1,2.5,null,true],\"b\":\"say \\\"hi\\\"; C:\\\\dir?\?/\"}");

  auto submitted = p.submit(document(), "sub-1");
  ASSERT_TRUE(submitted.has_value());
  EXPECT_EQ(*submitted, "job-sub-1");

  auto status = p.status("job-sub-1", "{\"flag\":true}");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->state, JobState::kSucceeded);
  EXPECT_EQ(status->exit_code, 0);
  EXPECT_EQ(status->native_state, "DONE");
  EXPECT_EQ(status->message, "{\"flag\":true}");  // the options reached the plugin

  auto missing = p.status("missing", "{}");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "no job 'missing'");

  std::string output;
  ASSERT_TRUE(p.logs("job-sub-1", "{}", false, [&](std::string_view chunk) {
                 output += chunk;
                 return true;
               }).has_value());
  EXPECT_EQ(output, "line 1\nline 2\n");

  auto findings = p.validate(document("{\"flag\":false}"), "sub-2");
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ(findings->front().path, "platform.good.flag");
  EXPECT_EQ(findings->front().hint, "set flag = true");

  auto deleted = p.delete_job("job-sub-1", "{}");
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().code, ErrorCode::kFailedPrecondition);

  auto listed = p.list("{}");
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_TRUE((*listed)[1].submitted_by_dlaunch);
}

// Loading a plugin defers GnuTLS's initialisation with GNUTLS_NO_IMPLICIT_INIT (platform.cpp): the
// variable must be gone once the library is loaded, or every job the process starts would inherit it.
TEST_F(PluginHostTest, APluginLibraryIsLoadedWithGnutlsDeferredAndTheVariableIsGoneAfter) {
  unsetenv("GNUTLS_NO_IMPLICIT_INIT");
  auto platform = Platform::load(manifest("good"));
  ASSERT_TRUE(platform.has_value()) << platform.error().message;
  // The library's constructors (GnuTLS's among them) saw it set; nothing after the load does.
  auto seen = (*platform)->status("gnutls-env", "{}");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->native_state, "1");
  EXPECT_EQ(std::getenv("GNUTLS_NO_IMPLICIT_INIT"), nullptr);
}

TEST_F(PluginHostTest, AGnutlsVariableTheUserSetIsLeftAsItWas) {
  setenv("GNUTLS_NO_IMPLICIT_INIT", "0", 1);
  // Another library than the test above (a library is loaded once per process): its constructor runs now.
  auto platform = Platform::load(manifest("manifest-v1"));
  ASSERT_TRUE(platform.has_value()) << platform.error().message;
  auto seen = (*platform)->status("gnutls-env", "{}");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->native_state, "0");
  ASSERT_NE(std::getenv("GNUTLS_NO_IMPLICIT_INIT"), nullptr);
  EXPECT_STREQ(std::getenv("GNUTLS_NO_IMPLICIT_INIT"), "0");
  unsetenv("GNUTLS_NO_IMPLICIT_INIT");
}

TEST_F(PluginHostTest, ALoadedLibraryIsNotServedUnderAnotherManifestsId) {
  ASSERT_TRUE(Platform::load(manifest("good")).has_value());
  PluginManifest other = manifest("good");
  other.id = "impostor";  // another manifest naming the same library
  auto platform = Platform::load(other);
  ASSERT_FALSE(platform.has_value());
  EXPECT_NE(platform.error().message.find("calls itself 'good' but its manifest says 'impostor'"), std::string::npos)
      << platform.error().message;
}

TEST_F(PluginHostTest, RefusesAWrongMajorInTheTableAfterLoading) {
  auto platform = Platform::load(manifest("wrong-major"));
  ASSERT_FALSE(platform.has_value());
  EXPECT_NE(platform.error().message.find("plugin ABI 2.0"), std::string::npos) << platform.error().message;
  EXPECT_NE(platform.error().message.find("provides 1." + std::to_string(DLAUNCH_ABI_MINOR)), std::string::npos) << platform.error().message;
}

TEST_F(PluginHostTest, RefusesAWrongMajorInTheManifestBeforeLoading) {
  PluginManifest m = manifest("manifest-major");
  EXPECT_EQ(m.abi_major, 2u);
  auto platform = Platform::load(m);
  ASSERT_FALSE(platform.has_value());
  EXPECT_NE(platform.error().message.find("built for plugin ABI 2.0"), std::string::npos) << platform.error().message;
}

TEST_F(PluginHostTest, RefusesAPluginNeedingANewerMinorNamingBothVersions) {
  auto platform = Platform::load(manifest("newer-minor"));
  ASSERT_FALSE(platform.has_value());
  EXPECT_NE(platform.error().message.find("needs plugin ABI 1.5"), std::string::npos) << platform.error().message;
  EXPECT_NE(platform.error().message.find("provides 1." + std::to_string(DLAUNCH_ABI_MINOR)), std::string::npos) << platform.error().message;

  // The same need, hidden from the manifest, is caught by the table check.
  auto hidden = Platform::load(manifest("table-minor"));
  ASSERT_FALSE(hidden.has_value());
  EXPECT_NE(hidden.error().message.find("needs plugin ABI 1.5"), std::string::npos) << hidden.error().message;
}

TEST_F(PluginHostTest, RefusesATableThatNeedsAHostNewerThanItself) {
  auto platform = Platform::load(manifest("inconsistent-minor"));
  ASSERT_FALSE(platform.has_value());
  EXPECT_NE(platform.error().message.find("inconsistent plugin table: it needs host ABI minor 1 but was built for ABI 1.0"),
            std::string::npos)
      << platform.error().message;
}

TEST_F(PluginHostTest, RefusesOptionTypesAndFlagsOfANewerMinor) {
  auto type = Platform::load(manifest("future-option"));
  ASSERT_FALSE(type.has_value());
  EXPECT_NE(type.error().message.find("declares option 'retries' of type 99, which this dlaunch does not know"),
            std::string::npos)
      << type.error().message;
  auto flag = Platform::load(manifest("future-flag"));
  ASSERT_FALSE(flag.has_value());
  EXPECT_NE(flag.error().message.find("declares option 'token' with flags 32, which this dlaunch does not know"),
            std::string::npos)
      << flag.error().message;
}

TEST_F(PluginHostTest, ReadsCodesStatesSeveritiesAndLevelsOfANewerMinorAsPluginHSays) {
  set_plugin_log_level(LogLevel::kError);
  testing::internal::CaptureStderr();
  auto platform = Platform::load(manifest("future-values"));
  const std::string logged = testing::internal::GetCapturedStderr();
  set_plugin_log_level(LogLevel::kWarning);
  ASSERT_TRUE(platform.has_value()) << platform.error().message;
  // Log level 9 is printed as an error, even when only errors are shown.
  EXPECT_NE(logged.find("dlaunch: future-values: error: test plugin initialised"), std::string::npos) << logged;
  const Platform& p = **platform;

  auto deleted = p.delete_job("x", "{}");  // code 42
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().code, ErrorCode::kInternal);
  EXPECT_EQ(deleted.error().message, "the test platform keeps every job");

  auto status = p.status("x", "{}");  // state 17
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->state, JobState::kUnknown);
  EXPECT_FALSE(status->terminal());

  auto findings = p.validate("{\"platform\":{\"flag\":false}}", "s");  // severity 7
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ(findings->front().severity, Severity::kError);
}

TEST_F(PluginHostTest, AnSdkPluginDeclaresTheOldestHostMinorItRunsOn) {
  // Built against the test header of the next minor, and needs it; its manifest does not say so, its table does.
  auto platform = Platform::load(manifest("sdk-needs-next"));
  ASSERT_FALSE(platform.has_value());
  const std::string next = std::to_string(DLAUNCH_ABI_MINOR + 1);
  EXPECT_NE(platform.error().message.find("needs plugin ABI 1." + next + " or newer; this dlaunch provides 1." +
                                          std::to_string(DLAUNCH_ABI_MINOR)),
            std::string::npos)
      << platform.error().message;
}

TEST_F(PluginHostTest, AnSdkPluginReadsTheHostsMinorInInit) {
  // A host of minor 3: the entry's argument is what init hands the plugin. (Only this test loads sdk-minor:
  // a second load in the same process would keep the first init, as plugin.h says.)
  test::PluginClient newer((kPlugins / "sdk-minor").string(), "sdk-minor", state_.path() + "/client", 3);
  sdk::JobStatus seen;
  ASSERT_TRUE(newer.status("x", "{}", seen).ok());
  EXPECT_EQ(seen.message, "host ABI minor 3");
}

TEST_F(PluginHostTest, AcceptsANewerMinorThatDeclaresItRunsOnThisHost) {
  PluginManifest m = manifest("compatible-minor");
  EXPECT_EQ(m.abi_minor, 5u);
  EXPECT_EQ(m.min_host_minor, 0u);
  auto platform = Platform::load(m);
  ASSERT_TRUE(platform.has_value()) << platform.error().message;
}

TEST_F(PluginHostTest, APluginBuiltAgainstTheFrozen10HeaderStillLoadsAndWorks) {
  auto platform = Platform::load(manifest("frozen-abi"));
  ASSERT_TRUE(platform.has_value()) << platform.error().message;
  EXPECT_EQ((*platform)->abi_major(), 1u);
  EXPECT_EQ((*platform)->abi_minor(), 0u);
  auto submitted = (*platform)->submit(document(), "frozen");
  ASSERT_TRUE(submitted.has_value());
  EXPECT_EQ(*submitted, "job-frozen");
  EXPECT_EQ((*platform)->options().size(), 4u);
  // It cannot look jobs up by submission id (ABI 1.1): the host does not ask, and says so if asked.
  EXPECT_FALSE((*platform)->finds_submissions());
  auto found = (*platform)->find_submissions({"frozen"}, "{}", 0);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code, ErrorCode::kUnimplemented);
  // Nor wait for a job to change (ABI 1.2): the host polls it.
  EXPECT_FALSE((*platform)->waits_for_change());
  auto waited = (*platform)->wait_for_change("job-frozen", "{}", JobStatus{}, std::chrono::milliseconds(1));
  ASSERT_FALSE(waited.has_value());
  EXPECT_EQ(waited.error().code, ErrorCode::kUnimplemented);
}

// The manifest says which job documents the plugin reads, from the SDK header it was built against.
TEST_F(PluginHostTest, AManifestClaimsTheNewestJobDocumentItsPluginReads) {
  EXPECT_EQ(manifest("good").job_document_version, DLAUNCH_JOB_SCHEMA_VERSION);
  EXPECT_EQ(manifest("document-v2").job_document_version, 2);
  EXPECT_EQ(manifest("frozen-abi").job_document_version, 0) << "a manifest from before the claim";
  test::TempDir dir;
  const std::string head = R"({"manifest_version": 1, "id": "x", "library": "libx.so", "abi": {"major": 1, "minor": 0})";
  for (const char* claim : {R"("job_document": 3)", R"("job_document": {"newest": 0})", R"("job_document": {})"}) {
    auto refused = read_manifest(dir.write("plugin.json", head + ", " + claim + "}"));
    ASSERT_FALSE(refused.has_value()) << claim;
    EXPECT_NE(refused.error().find("\"job_document\" must be {\"newest\": N}"), std::string::npos) << refused.error();
  }
}

TEST_F(PluginHostTest, RefusesAPluginWhoseTableDisagreesWithItsManifest) {
  auto platform = Platform::load(manifest("disagreeing-options"));
  ASSERT_FALSE(platform.has_value());
  EXPECT_EQ(platform.error().code, ErrorCode::kInternal);
  EXPECT_NE(platform.error().message.find("option 'retries': the manifest says default 3, the table 4"), std::string::npos)
      << platform.error().message;

  // The conformance suite refuses it too, with the same reason.
  bool refused = false;
  for (const auto& check : check_plugin_conformance(kPlugins / "disagreeing-options")) {
    if (!check.passed && check.detail.find("option 'retries': the manifest says default 3") != std::string::npos) {
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
}

TEST_F(PluginHostTest, AVersion1ManifestStillLoadsAndTheTableGivesTheOptions) {
  PluginManifest m = manifest("manifest-v1");
  EXPECT_FALSE(m.declares_options);
  auto platform = Platform::load(m);
  ASSERT_TRUE(platform.has_value()) << platform.error().message;
  ASSERT_EQ((*platform)->options().size(), 4u);
  EXPECT_EQ((*platform)->options()[2].name, "retries");
}

TEST_F(PluginHostTest, RefusesALibraryWithoutTheEntrySymbol) {
  auto platform = Platform::load(manifest("no-entry"));
  ASSERT_FALSE(platform.has_value());
  EXPECT_NE(platform.error().message.find("does not export dlaunch_plugin_entry"), std::string::npos) << platform.error().message;
}

TEST_F(PluginHostTest, ContainsEveryExceptionAPluginThrows) {
  auto platform = Platform::load(manifest("throwing"));
  ASSERT_TRUE(platform.has_value()) << platform.error().message;
  const Platform& p = **platform;
  // A C++ SDK plugin offers find_submissions and wait_for_change only when it says so (kFindsSubmissions,
  // kWaitsForChange): this one does not.
  EXPECT_FALSE(p.finds_submissions());
  EXPECT_FALSE(p.waits_for_change());

  auto dry = p.dry_run(document(), "s");
  ASSERT_FALSE(dry.has_value());
  EXPECT_EQ(dry.error().code, ErrorCode::kInternal);
  EXPECT_NE(dry.error().message.find("dry_run exploded"), std::string::npos);

  auto submitted = p.submit(document(), "s");
  ASSERT_FALSE(submitted.has_value());
  EXPECT_NE(submitted.error().message.find("unknown exception"), std::string::npos);

  auto status = p.status("x", "{}");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(status.error().message, "the platform is down");

  auto stopped = p.stop("x", "{}");
  ASSERT_FALSE(stopped.has_value());
  EXPECT_EQ(stopped.error().message, "out of memory");

  auto listed = p.list("{}");  // not overridden: the helper's default
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().code, ErrorCode::kUnimplemented);
}

// Copies the good plugin into `root`/good so that permissions can be changed on the copy.
fs::path copy_good_plugin(const fs::path& root) {
  fs::create_directories(root / "good");
  fs::copy_file(kPlugins / "good" / "plugin.json", root / "good" / "plugin.json");
  fs::copy_file(kPlugins / "good" / "libdlaunch-good.so", root / "good" / "libdlaunch-good.so");
  return root / "good";
}

TEST_F(PluginHostTest, RefusesAWorldWritablePluginDirectory) {
  test::TempDir dir;
  fs::path root = fs::path(dir.path()) / "plugins";
  fs::path plugin = copy_good_plugin(root);
  chmod(root.c_str(), 0755);
  chmod(plugin.c_str(), 0777);
  auto catalog = PluginCatalog::discover({root});
  EXPECT_EQ(catalog.find("good"), nullptr);
  ASSERT_EQ(catalog.problems().size(), 1u);
  EXPECT_NE(catalog.problems()[0].message.find("world-writable"), std::string::npos) << catalog.problems()[0].message;
}

TEST_F(PluginHostTest, RefusesAGroupWritableSearchDirectoryAndLibrary) {
  test::TempDir dir;
  fs::path root = fs::path(dir.path()) / "plugins";
  fs::path plugin = copy_good_plugin(root);
  chmod(root.c_str(), 0775);
  auto catalog = PluginCatalog::discover({root});
  ASSERT_EQ(catalog.problems().size(), 1u);
  EXPECT_NE(catalog.problems()[0].message.find("group-writable"), std::string::npos);

  chmod(root.c_str(), 0755);
  chmod((plugin / "libdlaunch-good.so").c_str(), 0666);
  auto again = PluginCatalog::discover({root});
  ASSERT_NE(again.find("good"), nullptr);  // the manifest is fine; the library is checked at load time
  auto platform = Platform::load(*again.find("good"));
  ASSERT_FALSE(platform.has_value());
  EXPECT_NE(platform.error().message.find("world-writable"), std::string::npos) << platform.error().message;
}

TEST_F(PluginHostTest, TheFirstPluginWithAnIdWinsAndLaterOnesAreShadowed) {
  test::TempDir dir;
  fs::path first = fs::path(dir.path()) / "first";
  copy_good_plugin(first);
  auto catalog = PluginCatalog::discover({first, kPlugins});
  ASSERT_NE(catalog.find("good"), nullptr);
  EXPECT_EQ(catalog.find("good")->directory, first / "good");
  ASSERT_FALSE(catalog.shadowed().empty());
  EXPECT_EQ(catalog.shadowed()[0].directory, kPlugins / "good");
}

TEST_F(PluginHostTest, ReportsBrokenManifestsWithTheFileName) {
  test::TempDir dir;
  dir.write("plugins/broken/plugin.json", "{\"manifest_version\": 1, \"id\": \"Broken Id\"}");
  dir.write("plugins/future/plugin.json", "{\"manifest_version\": 7}");
  dir.write("plugins/notjson/plugin.json", "{oops");
  fs::path root = fs::path(dir.path()) / "plugins";
  for (const char* sub : {"", "broken", "future", "notjson"}) chmod((root / sub).c_str(), 0755);
  auto catalog = PluginCatalog::discover({root});
  EXPECT_TRUE(catalog.plugins().empty());
  ASSERT_EQ(catalog.problems().size(), 3u);
  EXPECT_NE(catalog.problems()[0].message.find("\"id\" must be a platform id"), std::string::npos);
  EXPECT_NE(catalog.problems()[1].message.find("manifest_version 7 is not supported"), std::string::npos);
  EXPECT_NE(catalog.problems()[2].message.find("not valid JSON"), std::string::npos);
}

// A stray FIFO or a huge file in a plugin directory costs `plugins list` nothing: it is refused, named.
TEST_F(PluginHostTest, AManifestThatIsNoRegularFileOrTooLargeIsRefusedWithoutReadingIt) {
  test::TempDir dir;
  const fs::path fifo = fs::path(dir.path()) / "fifo.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  auto blocked = read_manifest(fifo);  // with no writer, reading a FIFO would wait forever
  ASSERT_FALSE(blocked.has_value());
  EXPECT_EQ(blocked.error(), fifo.string() + ": cannot read the manifest: not a regular file (a FIFO)");
  const std::string big = dir.write("big.json", "{\"manifest_version\": 1, \"id\": \"" + std::string(2 << 20, 'x') + "\"}");
  auto refused = read_manifest(big);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error(), big + ": the manifest is over the limit of 1.0 MiB");
  auto missing = read_manifest(fs::path(dir.path()) / "none.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("cannot read the manifest: No such file or directory"), std::string::npos);
}

TEST_F(PluginHostTest, APluginIsLoadedAndInitialisedOncePerProcess) {
  // Every session of the client API has an orchestrator of its own; they share the one Platform of a library.
  auto first = Platform::load(manifest("good"));
  auto again = Platform::load(manifest("good"));
  ASSERT_TRUE(first.has_value() && again.has_value());
  EXPECT_EQ(first->get(), again->get());
}

}  // namespace
}  // namespace dlaunch
