// The orchestrator with a real (test) plugin through the C ABI: journaling around submit, options for later
// commands, secrets, and plugin failures in the core's error codes.
#include <dlaunch/core/builder.hpp>
#include <dlaunch/core/orchestrator.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/process.hpp"

namespace dlaunch {
namespace {

class OrchestratorTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("XDG_STATE_HOME", (home_.path() + "/state").c_str(), 1); }

  Orchestrator make(std::map<std::string, Value> defaults = {}, std::chrono::seconds settle_grace = std::chrono::seconds(60)) {
    OrchestratorSettings settings;
    settings.plugin_dirs = {DLAUNCH_TEST_PLUGIN_DIR};
    settings.journal_directory = home_.path() + "/journal";
    settings.platform_defaults = std::move(defaults);
    settings.settle_grace = settle_grace;
    return Orchestrator(std::move(settings));
  }

  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Journals the intent a submit of `id` to the forgetful platform left when it was killed `age_ms` ago.
  static void killed_submit(Orchestrator& orchestrator, const std::string& id, int64_t age_ms) {
    JournalEntry entry;
    entry.submission_id = id;
    entry.platform = "forgetful";
    entry.job_name = "j";
    entry.options_json = "{}";
    entry.created_ms = entry.updated_ms = now_ms() - age_ms;
    ASSERT_TRUE(orchestrator.journal().put(entry).has_value());
  }

  JournalEntry::State state_of(Orchestrator& orchestrator, const std::string& id) {
    auto found = orchestrator.journal().find(id);
    EXPECT_TRUE(found.has_value() && found->has_value()) << id;
    return found && *found ? (*found)->state : JournalEntry::State::kIntent;
  }

  static Job job_with_token(const std::string& token) {
    // The token as a secret option, and as secret-looking environment variables of the job and of its role.
    return JobBuilder("secretive")
        .platform_option("good", "token", Value::string(token))
        .env("HF_TOKEN", token)
        .env("OMP_NUM_THREADS", "4")
        .role("main")
        .entrypoint({"true"})
        .role_env("WANDB_API_KEY", token)
        .build();
  }

  test::TempDir home_;
};

TEST_F(OrchestratorTest, SubmitJournalsTheJobAndLaterCommandsFindIt) {
  Orchestrator orchestrator = make();
  auto report = orchestrator.validate_job(job_with_token("s3cret"), "good");
  ASSERT_TRUE(report.ok()) << (report.failure ? report.failure->message : "");
  auto submitted = orchestrator.submit(*report.prepared);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;
  EXPECT_EQ(submitted->handle, "good:job-" + report.prepared->submission_id);

  auto entries = orchestrator.journal().entries();
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].state, JournalEntry::State::kSubmitted);
  EXPECT_EQ((*entries)[0].native_id, submitted->native_id);
  // The journal never holds a secret.
  EXPECT_EQ((*entries)[0].options_json.find("s3cret"), std::string::npos);
  // It keeps the job document the plugin was handed, with the secret as "***".
  auto document = orchestrator.journal().document(report.prepared->submission_id);
  ASSERT_TRUE(document.has_value()) << document.error().message;
  EXPECT_NE(document->find("\"name\":\"secretive\""), std::string::npos) << *document;
  EXPECT_NE(document->find("\"token\":\"***\""), std::string::npos) << *document;
  EXPECT_NE(document->find("\"HF_TOKEN\":\"***\""), std::string::npos) << *document;
  EXPECT_NE(document->find("\"WANDB_API_KEY\":\"***\""), std::string::npos) << *document;
  EXPECT_NE(document->find("\"OMP_NUM_THREADS\":\"4\""), std::string::npos) << *document;
  EXPECT_EQ(document->find("s3cret"), std::string::npos) << *document;

  // The test plugin echoes the options it is given as the status message. The process that submitted the job
  // (`run --wait`) speaks to it with the options it was submitted with, secret included.
  auto waited = orchestrator.status(JobHandle{"good", submitted->native_id});
  ASSERT_TRUE(waited.has_value()) << waited.error().message;
  EXPECT_NE(waited->message.find("\"token\":\"s3cret\""), std::string::npos) << waited->message;

  // A later command (another process) reads the journal.
  auto status = make().status(JobHandle{"good", submitted->native_id});
  ASSERT_TRUE(status.has_value()) << status.error().message;
  EXPECT_EQ(status->state, JobState::kSucceeded);
  EXPECT_NE(status->message.find("\"flag\":true"), std::string::npos) << status->message;
  // A secret from the spec is not remembered, and "***" is never handed back to the plugin as a value.
  EXPECT_EQ(status->message.find("token"), std::string::npos) << status->message;
}

TEST_F(OrchestratorTest, LaterCommandsTakeSecretsFromTheUsersConfiguration) {
  Value defaults = Value::table();
  defaults.set("token", Value::string("from-config"));
  Orchestrator orchestrator = make({{"good", defaults}});
  auto report = orchestrator.validate_job(job_with_token("from-spec"), "good");
  ASSERT_TRUE(report.ok());
  auto submitted = orchestrator.submit(*report.prepared);
  ASSERT_TRUE(submitted.has_value());
  auto status = make({{"good", defaults}}).status(JobHandle{"good", submitted->native_id});
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(status->message.find("\"token\":\"from-config\""), std::string::npos) << status->message;
}

TEST_F(OrchestratorTest, PluginErrorsKeepTheirCodes) {
  Orchestrator orchestrator = make();
  auto missing = orchestrator.status(JobHandle{"good", "missing"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto refused = orchestrator.delete_job(JobHandle{"good", "job-x"});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);

  auto throwing = orchestrator.status(JobHandle{"throwing", "x"});
  ASSERT_FALSE(throwing.has_value());
  EXPECT_EQ(throwing.error().code, ErrorCode::kUnavailable);

  auto unknown = orchestrator.status(JobHandle{"nonesuch", "x"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidRequest);
}

TEST_F(OrchestratorTest, APluginsOwnValidationIsReportedWithItsPath) {
  Orchestrator orchestrator = make();
  Job job = JobBuilder("flagged").platform_option("good", "flag", Value::boolean(false)).role("main").entrypoint({"true"}).build();
  auto report = orchestrator.validate_job(job, "good");
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.diagnostics.size(), 1u);
  EXPECT_EQ(report.diagnostics[0].path, "platform.good.flag");
  EXPECT_EQ(report.diagnostics[0].message, "flag must be true here");
  EXPECT_TRUE(orchestrator.journal().entries()->empty());  // nothing submitted, nothing journaled
}

// The test plugin warns at the key path its label report_path names.
std::string spec_reporting_at(const std::string& path) {
  return "labels = { report_path = \"" + path + "\" }\n\n[[roles]]\nname = \"main\"\nentrypoint = [\"true\"]\n";
}

TEST_F(OrchestratorTest, APluginsKeyPathIsLocatedInTheSpec) {
  Orchestrator orchestrator = make();
  const std::string spec = home_.write("job.toml", spec_reporting_at("roles[0].entrypoint"));
  auto report = orchestrator.validate_file(spec, "good", {});
  ASSERT_FALSE(report.failure) << report.failure->message;
  ASSERT_EQ(report.diagnostics.size(), 1u);
  EXPECT_EQ(report.diagnostics[0].path, "roles[0].entrypoint");
  EXPECT_EQ(report.diagnostics[0].location.line, 5u);
  EXPECT_EQ(report.diagnostics[0].location.column, 14u);
}

TEST_F(OrchestratorTest, AMalformedKeyPathFromAPluginIsThePluginsErrorNamingIt) {
  Orchestrator orchestrator = make();
  for (const std::string bad : {"roles[]", "roles[x]", "roles[99999999999999999999999]", "a..b"}) {
    const std::string spec = home_.write("job.toml", spec_reporting_at(bad));
    auto report = orchestrator.validate_file(spec, "good", {});
    ASSERT_TRUE(report.failure) << bad;
    EXPECT_EQ(report.failure->code, ErrorCode::kInternal);  // exit 70, like any plugin that misbehaves
    EXPECT_EQ(report.failure->message, "plugin 'good' reported a finding at a malformed key path '" + bad +
                                           "' (reported where the label says)");
    EXPECT_FALSE(report.prepared);
  }
}

TEST_F(OrchestratorTest, ListIsNewestFirst) {
  Orchestrator orchestrator = make();
  auto jobs = orchestrator.list("good");  // the plugin lists job-a (started at 1 s) before job-b (at 2 s)
  ASSERT_TRUE(jobs.has_value());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].native_id, "job-b");
  EXPECT_EQ((*jobs)[1].native_id, "job-a");
}

TEST(JobHandles, AreParsedAndRefusedClearly) {
  auto h = parse_handle("ray:raysubmit_123:x");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->platform, "ray");
  EXPECT_EQ(h->native_id, "raysubmit_123:x");
  for (const char* bad : {"nocolon", ":x", "ray:"}) {
    auto r = parse_handle(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidRequest);
  }
}

TEST_F(OrchestratorTest, OneIntentThePlatformCanNoLongerAnswerForHoldsUpNoYoungerOne) {
  Orchestrator orchestrator = make();
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  // Left by killed submits: one ten minutes ago (the plugin has forgotten that far back), three just now.
  auto intent = [&](const std::string& id, int64_t age_ms) {
    JournalEntry entry;
    entry.submission_id = id;
    entry.platform = "forgetful";
    entry.job_name = "j";
    entry.options_json = "{}";
    entry.created_ms = entry.updated_ms = now_ms - age_ms;
    ASSERT_TRUE(orchestrator.journal().put(entry).has_value());
  };
  intent("old", 600'000);
  for (int i = 1; i <= 3; ++i) intent("young-" + std::to_string(i), i * 1000);

  auto resolved = orchestrator.resolve_intents();
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  EXPECT_EQ(*resolved, 3u);
  auto entries = orchestrator.journal().entries();
  ASSERT_TRUE(entries.has_value());
  for (const JournalEntry& entry : *entries) {
    if (entry.submission_id == "old") {
      EXPECT_EQ(entry.state, JournalEntry::State::kIntent) << "nobody could say: it stays";
    } else {
      EXPECT_EQ(entry.state, JournalEntry::State::kSubmitted) << entry.submission_id;
      EXPECT_EQ(entry.native_id, "job-" + entry.submission_id);
    }
  }
  EXPECT_EQ(test::entries_in(home_.path() + "/journal/submitting"), 1u) << "only the unsettled one's lock file is left";
}

TEST_F(OrchestratorTest, StatusOfAKilledSubmitSettlesThatIntentFirst) {
  Orchestrator orchestrator = make();
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  for (const std::string id : {"asked", "other"}) {
    JournalEntry entry;
    entry.submission_id = id;
    entry.platform = "forgetful";
    entry.job_name = "j";
    entry.options_json = "{}";
    entry.created_ms = entry.updated_ms = now_ms - 1000;
    ASSERT_TRUE(orchestrator.journal().put(entry).has_value());
  }

  // The handle `list` shows such a job by: its submission id. The platform holds it as "job-asked".
  auto status = orchestrator.status(JobHandle{"forgetful", "asked"});
  ASSERT_TRUE(status.has_value()) << status.error().message;
  EXPECT_EQ(status->native_id, "job-asked") << "answered for the job the intent settled to";
  auto asked = orchestrator.journal().find("asked");
  ASSERT_TRUE(asked.has_value() && asked->has_value());
  EXPECT_EQ((*asked)->state, JournalEntry::State::kSubmitted);
  EXPECT_EQ((*asked)->handle(), "forgetful:job-asked");
  auto other = orchestrator.journal().find("other");
  ASSERT_TRUE(other.has_value() && other->has_value());
  EXPECT_EQ((*other)->state, JournalEntry::State::kIntent) << "only the intent asked about is settled";

  // Its real handle, and a job the journal holds no intent of, are asked as they are.
  auto again = orchestrator.status(JobHandle{"forgetful", "job-asked"});
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->native_id, "job-asked");
  EXPECT_EQ(orchestrator.status(JobHandle{"forgetful", "job-x"})->native_id, "job-x");
  EXPECT_FALSE(std::filesystem::exists(home_.path() + "/journal/submitting/asked")) << "its lock file is gone";
}

TEST_F(OrchestratorTest, AnIntentThePlatformDoesNotHoldFailsOnlyAGracePeriodAfterItWasFoundAbandoned) {
  Orchestrator orchestrator = make();  // a minute of grace
  killed_submit(orchestrator, "lost", 1000);
  killed_submit(orchestrator, "held", 1000);
  const std::string lock = home_.path() + "/journal/submitting/lost";

  // A request the killed dlaunch sent may still land: the platform's "none" settles nothing yet.
  auto first = orchestrator.resolve_intents();
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(*first, 1u) << "a job the platform holds is settled at once";
  EXPECT_EQ(state_of(orchestrator, "held"), JournalEntry::State::kSubmitted);
  EXPECT_EQ(state_of(orchestrator, "lost"), JournalEntry::State::kIntent);
  ASSERT_TRUE(std::filesystem::exists(lock)) << "its lock file keeps when it was first found abandoned";
  EXPECT_FALSE(std::filesystem::exists(home_.path() + "/journal/submitting/held"));
  ASSERT_TRUE(orchestrator.resolve_intents().has_value());
  EXPECT_EQ(state_of(orchestrator, "lost"), JournalEntry::State::kIntent) << "the wait runs from the first look";

  // That first look was a minute ago now: the platform's answer is final, and the lock file goes.
  std::ofstream(lock, std::ios::trunc) << now_ms() - 61'000;
  ASSERT_TRUE(orchestrator.resolve_intents().has_value());
  EXPECT_EQ(state_of(orchestrator, "lost"), JournalEntry::State::kFailed);
  EXPECT_FALSE(std::filesystem::exists(lock)) << "no lock file is left";

  // The grace period is a setting: with none, the first answer is final.
  Orchestrator impatient = make({}, std::chrono::seconds(0));
  killed_submit(impatient, "lost-2", 1000);
  ASSERT_TRUE(impatient.resolve_intents().has_value());
  EXPECT_EQ(state_of(impatient, "lost-2"), JournalEntry::State::kFailed);
}

// Settling takes an intent's lock, then reads the intent again: one another dlaunch settled after this one read
// the journal is not settled again, and its lock file goes (asked again, the platform that holds no job of it
// would keep it, stamped, for a grace period). The other settles it while this one loads the plugin of a newer
// intent ("gated", whose init waits until told; a process initialises a plugin once: no other test loads it).
TEST_F(OrchestratorTest, AnIntentAnotherDlaunchSettledMeanwhileIsLeftAlone) {
  Orchestrator first = make(), other = make({}, std::chrono::seconds(0));
  killed_submit(first, "lost", 1000);
  JournalEntry gated;
  gated.submission_id = "held-at-the-gate";
  gated.platform = "gated";
  gated.job_name = "j";
  gated.options_json = "{}";
  gated.created_ms = gated.updated_ms = now_ms();
  ASSERT_TRUE(first.journal().put(gated).has_value());
  ASSERT_TRUE(other.validate_job(JobBuilder("j").role("main").entrypoint({"true"}).build(), "forgetful").ok())
      << "the other loads forgetful now, not while the first holds the plugin loader";
  const std::filesystem::path gate = home_.path() + "/gate";
  std::filesystem::create_directories(gate);
  setenv("DLAUNCH_TEST_GATE", gate.c_str(), 1);

  Result<std::size_t> settled_first = 0;
  std::thread first_call([&] { settled_first = first.resolve_intents(); });
  bool entered = false;
  for (int i = 0; i < 3000 && !(entered = std::filesystem::exists(gate / "entered")); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto settled_other = other.resolve_intents("forgetful");
  std::ofstream(gate / "open").close();
  first_call.join();
  unsetenv("DLAUNCH_TEST_GATE");

  ASSERT_TRUE(entered) << "the first never loaded the gated plugin";
  ASSERT_TRUE(settled_other.has_value()) << settled_other.error().message;
  EXPECT_EQ(*settled_other, 1u) << "the other settles it (no grace period)";
  ASSERT_TRUE(settled_first.has_value()) << settled_first.error().message;
  EXPECT_EQ(*settled_first, 0u);
  EXPECT_EQ(state_of(first, "lost"), JournalEntry::State::kFailed);
  EXPECT_FALSE(std::filesystem::exists(home_.path() + "/journal/submitting/lost")) << "its lock file is left";
}

TEST_F(OrchestratorTest, ASubmitThatMayHaveReachedThePlatformIsLeftForItToSettle) {
  Orchestrator orchestrator = make({}, std::chrono::seconds(0));
  auto submit = [&](const std::string& name) {
    auto report = orchestrator.validate_job(JobBuilder(name).role("main").entrypoint({"true"}).build(), "forgetful");
    EXPECT_TRUE(report.ok()) << (report.failure ? report.failure->message : "");
    auto submitted = orchestrator.submit(*report.prepared);
    EXPECT_FALSE(submitted.has_value()) << name;
    return std::pair{report.prepared->submission_id, submitted.error()};
  };
  // Interrupted, or the request or its answer lost: the platform may have the job.
  for (const std::string name : {"cancelled", "unavailable", "temporary"}) {
    auto [id, failure] = submit(name);
    EXPECT_NE(failure.message.find("whether forgetful got the job (submission " + id +
                                   ") is known at the next `dlaunch list`"), std::string::npos)
        << failure.message;
    EXPECT_EQ(state_of(orchestrator, id), JournalEntry::State::kIntent) << name;
    EXPECT_FALSE(std::filesystem::exists(home_.path() + "/journal/submitting/" + id)) << "its lock is released";
  }
  // A refusal is final.
  auto [refused, failure] = submit("refused");
  EXPECT_EQ(failure.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(failure.message, "refused");
  EXPECT_EQ(state_of(orchestrator, refused), JournalEntry::State::kFailed);

  // The next list asks the platform, which holds them all here.
  ASSERT_TRUE(orchestrator.resolve_intents().has_value());
  auto intents = orchestrator.journal().intents();
  ASSERT_TRUE(intents.has_value());
  EXPECT_TRUE(intents->empty());
}

TEST_F(OrchestratorTest, IntentsAreSettledWithTheOptionsTheirSubmitWasSentWithNotTheCommandLines) {
  OrchestratorSettings settings;
  settings.plugin_dirs = {DLAUNCH_TEST_PLUGIN_DIR};
  settings.journal_directory = home_.path() + "/journal";
  // `list -p forgetful --set platform.forgetful.elsewhere=1`: about the platform's own list, never the intents'
  // (an option the forgetful plugin does not even declare: with it, no question could be asked).
  settings.option_overrides = {"platform.forgetful.elsewhere=1"};
  Orchestrator orchestrator(std::move(settings));
  killed_submit(orchestrator, "sent", 1000);
  auto resolved = orchestrator.resolve_intents("forgetful");
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  EXPECT_EQ(*resolved, 1u);
  EXPECT_EQ(state_of(orchestrator, "sent"), JournalEntry::State::kSubmitted);
}

TEST_F(OrchestratorTest, AFindAnswerNamingWhatWasNotAskedOrNoSubmissionAtAllIsAnError) {
  Orchestrator orchestrator = make();
  // Records of ABI 1.0's size, which cannot name their submission id: the whole answer proves nothing.
  auto careless = orchestrator.platform("careless-finder");
  ASSERT_TRUE(careless.has_value()) << careless.error().message;
  auto small = (*careless)->find_submissions({"a", "b"}, "{}", 0);
  ASSERT_FALSE(small.has_value());
  EXPECT_EQ(small.error().code, ErrorCode::kInternal);
  EXPECT_EQ(small.error().message,
            "plugin 'careless-finder' answered find_submissions with a record smaller than ABI 1.1's, which cannot "
            "name its submission id");
  // A submission it was not asked about.
  auto forgetful = orchestrator.platform("forgetful");
  ASSERT_TRUE(forgetful.has_value()) << forgetful.error().message;
  auto chatty = (*forgetful)->find_submissions({"chatty-1"}, "{}", now_ms());
  ASSERT_FALSE(chatty.has_value());
  EXPECT_EQ(chatty.error().message,
            "plugin 'forgetful' answered find_submissions with a record of submission 'stranger', which it was not "
            "asked about");
  // Nothing settles from such an answer.
  killed_submit(orchestrator, "chatty-2", 1000);
  ASSERT_TRUE(orchestrator.resolve_intents().has_value());
  EXPECT_EQ(state_of(orchestrator, "chatty-2"), JournalEntry::State::kIntent);
  // A well-formed answer is as before.
  auto fine = (*forgetful)->find_submissions({"x"}, "{}", now_ms());
  ASSERT_TRUE(fine.has_value()) << fine.error().message;
  ASSERT_EQ(fine->size(), 1u);
  EXPECT_EQ((*fine)[0].native_id, "job-x");
}

TEST_F(OrchestratorTest, APlatformThatCannotAnswerHoldsUpNoOtherAndIsNamedOnce) {
  std::vector<std::string> warnings;
  OrchestratorSettings settings;
  settings.plugin_dirs = {DLAUNCH_TEST_PLUGIN_DIR};
  settings.journal_directory = home_.path() + "/journal";
  settings.on_warning = [&](const std::string& warning) { warnings.push_back(warning); };
  Orchestrator orchestrator(std::move(settings));
  // More intents than one call settles, newer than the one of a platform that can answer, of one whose every
  // answer is an error.
  killed_submit(orchestrator, "answered", 5000);
  for (int i = 0; i < 70; ++i) {
    JournalEntry entry;
    entry.submission_id = "careless-" + std::to_string(i);
    entry.platform = "careless-finder";
    entry.job_name = "j";
    entry.options_json = "{}";
    entry.created_ms = entry.updated_ms = now_ms() - 1000;
    ASSERT_TRUE(orchestrator.journal().put(entry).has_value());
  }
  auto resolved = orchestrator.resolve_intents();
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  EXPECT_EQ(*resolved, 1u);
  EXPECT_EQ(state_of(orchestrator, "answered"), JournalEntry::State::kSubmitted);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "submits to careless-finder that a dlaunch stopped mid-way left stay (submitting): plugin "
                         "'careless-finder' answered find_submissions with a record smaller than ABI 1.1's, which "
                         "cannot name its submission id");
}

}  // namespace
}  // namespace dlaunch
