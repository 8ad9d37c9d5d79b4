// The fields of job document version 2 (elastic ranges, per-role restart limits, failover scope, torchrun,
// start timeout, priority, config, module entrypoints): how a spec writes them, every rule with its located
// diagnostic, and the document version the host writes.
#include <dlaunch/core/builder.hpp>
#include <dlaunch/core/job_document.hpp>
#include <dlaunch/core/validation.hpp>
#include <dlaunch/job_document.hpp>
#include <gtest/gtest.h>

#include "support/process.hpp"
#include "support/validation_asserts.hpp"

namespace dlaunch {
namespace {

using test::dump;
using test::only_error;

class Schema2Test : public test::SpecFileTest {
 protected:
  // A spec of one role "trainer" with `role_lines` added to it, and `job_lines` before it.
  ValidationContext validate_role(const std::string& role_lines, const std::string& job_lines = "") {
    return validate(job_lines + "\n[[roles]]\nname = \"trainer\"\nentrypoint = [\"python3\", \"train.py\"]\n" +
                    role_lines + "\n");
  }

  // The document the host would write for the job of `c`.
  static sdk::Job document_of(const ValidationContext& c, std::string* json = nullptr) {
    const std::string text = job_document(*c.job, "{}");
    if (json != nullptr) *json = text;
    return sdk::parse_job(text);
  }
};

TEST_F(Schema2Test, ASchema1SpecGivesAVersion1DocumentWithTheInheritedValuesExplicit) {
  auto c = validate_role("replicas = 4\nper_node = 2", "[failover]\nmax_restarts = 2\n");
  ASSERT_TRUE(c.diagnostics.empty()) << dump(c);
  std::string json;
  sdk::Job job = document_of(c, &json);
  EXPECT_EQ(job.schema_version, 1) << json;
  EXPECT_NE(json.find("\"schema_version\":1,"), std::string::npos) << json;
  EXPECT_EQ(job.roles[0].min_replicas, 4);
  EXPECT_EQ(job.roles[0].max_restarts, 2);
  EXPECT_EQ(job.failover.scope, "job");
  EXPECT_EQ(job.roles[0].launcher, "direct");
  EXPECT_EQ(job.priority, "normal");
  EXPECT_EQ(job.config.json(), "{}");
  EXPECT_TRUE(sdk::fields_in_use(job).empty());
}

TEST_F(Schema2Test, EveryVersion2FieldIsReadAndRaisesTheDocumentVersion) {
  auto c = validate(R"(
start_timeout = "1h30m"
priority = "low"

[config]
lr = 0.01
layers = [1, 2]
model = { name = "gpt", size = 124 }

[failover]
max_restarts = 1
scope = "role"

[[roles]]
name = "trainer"
entrypoint = { module = "pkg.train", args = ["--epochs", "1"] }
replicas = 4
min_replicas = 2
max_restarts = 3
launcher = "torchrun"
nproc_per_node = 2
rdzv_port = 29400
)");
  ASSERT_TRUE(c.diagnostics.empty()) << dump(c);
  std::string json;
  sdk::Job job = document_of(c, &json);
  EXPECT_EQ(job.schema_version, 2) << json;
  EXPECT_EQ(job.start_timeout, 5400);
  EXPECT_EQ(job.priority, "low");
  EXPECT_EQ(job.config.json(), R"({"lr":0.01,"layers":[1,2],"model":{"name":"gpt","size":124}})");
  EXPECT_EQ(job.failover.scope, "role");
  const sdk::Role& role = job.roles.at(0);
  EXPECT_EQ(role.entrypoint, (std::vector<std::string>{"python3", "-m", "pkg.train", "--epochs", "1"}));
  EXPECT_EQ(role.min_replicas, 2);
  EXPECT_EQ(role.max_restarts, 3);
  EXPECT_EQ(role.launcher, "torchrun");
  EXPECT_EQ(role.nproc_per_node, 2);
  EXPECT_EQ(role.rdzv_backend, "c10d");
  EXPECT_EQ(role.rdzv_port, 29400);

  std::vector<std::string> used;
  for (const auto& f : sdk::fields_in_use(job)) used.push_back(f.path + "=" + f.field);
  EXPECT_EQ(used, (std::vector<std::string>{
                      "start_timeout=start_timeout", "priority=priority", "config=config",
                      "failover.scope=failover.scope", "roles[0].min_replicas=roles.min_replicas",
                      "roles[0].max_restarts=roles.max_restarts", "roles[0].launcher=roles.launcher",
                      "roles[0].nproc_per_node=roles.nproc_per_node", "roles[0].rdzv_port=roles.rdzv_port"}));
  EXPECT_EQ(sdk::write_job(job), json) << "the SDK reads back what the host wrote";
}

TEST_F(Schema2Test, ARoleLimitEqualToTheJobsAndAFullRangeKeepVersion1) {
  auto c = validate_role("replicas = 2\nmin_replicas = 2\nmax_restarts = 1", "[failover]\nmax_restarts = 1\n");
  ASSERT_TRUE(c.diagnostics.empty()) << dump(c);
  EXPECT_EQ(document_of(c).schema_version, 1) << "nothing a version 1 plugin would miss";
}

TEST_F(Schema2Test, AVersion1DocumentReadByTheSdkInheritsTheNewFields) {
  sdk::Job job = sdk::parse_job(
      R"({"schema_version":1,"failover":{"max_restarts":2},"roles":[{"name":"a","entrypoint":["x"],"replicas":3}]})");
  EXPECT_EQ(job.roles[0].min_replicas, 3);
  EXPECT_EQ(job.roles[0].max_restarts, 2);
  EXPECT_EQ(job.failover.scope, "job");
}

TEST_F(Schema2Test, TheSdkRefusesAVersionAboveItsOwn) {
  EXPECT_THROW(sdk::parse_job(R"({"schema_version":4,"roles":[]})"), sdk::Error);
  EXPECT_THROW(sdk::parse_job(R"({"schema_version":0,"roles":[]})"), sdk::Error);
}

TEST_F(Schema2Test, MinReplicasAboveReplicasIsLocated) {
  auto c = validate_role("replicas = 2\nmin_replicas = 3");
  auto d = only_error(c, "roles[0].min_replicas", 6);
  EXPECT_EQ(d.message, "min_replicas (3) must not exceed replicas (2)");
}

TEST_F(Schema2Test, MinReplicasIsWholeNodes) {
  auto c = validate_role("replicas = 4\nper_node = 2\nmin_replicas = 3");
  auto d = only_error(c, "roles[0].min_replicas", 7);
  EXPECT_EQ(d.message, "min_replicas (3) must be a multiple of per_node (2)");
}

TEST_F(Schema2Test, MinReplicasIsAtLeastOne) {
  auto c = validate_role("min_replicas = 0");
  EXPECT_EQ(only_error(c, "roles[0].min_replicas", 5).message, "min_replicas must be at least 1, got 0");
}

TEST_F(Schema2Test, RoleMaxRestartsIsNotNegative) {
  auto c = validate_role("max_restarts = -1");
  EXPECT_EQ(only_error(c, "roles[0].max_restarts", 5).message, "max_restarts must be at least 0, got -1");
}

TEST_F(Schema2Test, FailoverScopeIsAChoiceWithDidYouMean) {
  auto c = validate_role("", "[failover]\nscope = \"replicas\"\n");
  auto d = only_error(c, "failover.scope", 2);
  EXPECT_EQ(d.message, "scope 'replicas' is not one of job, role, replica");
  EXPECT_EQ(d.hint, "did you mean 'replica'?");
}

TEST_F(Schema2Test, PriorityIsAChoice) {
  auto c = validate_role("", "priority = \"urgent\"\n");
  EXPECT_EQ(only_error(c, "priority", 1).message, "priority 'urgent' is not one of low, normal, high");
}

TEST_F(Schema2Test, StartTimeoutTakesDurationsAndSeconds) {
  for (const auto& [text, seconds] : std::vector<std::pair<std::string, int64_t>>{
           {"\"90s\"", 90}, {"\"10m\"", 600}, {"\"2h\"", 7200}, {"\"1d\"", 86400}, {"\"1h1m1s\"", 3661}, {"45", 45}}) {
    auto c = validate_role("", "start_timeout = " + text + "\n");
    ASSERT_TRUE(c.diagnostics.empty()) << text << "\n" << dump(c);
    EXPECT_EQ(c.job->start_timeout, seconds) << text;
  }
}

TEST_F(Schema2Test, BadDurationsAreLocated) {
  for (const std::string bad : {"\"10\"", "\"m\"", "\"1m1h\"", "\"10 m\"", "\"1.5h\"", "\"-1s\"", "\"\"", "\"1w\""}) {
    auto c = validate_role("", "start_timeout = " + bad + "\n");
    auto d = only_error(c, "start_timeout", 1);
    EXPECT_EQ(d.message, "start_timeout '" + bad.substr(1, bad.size() - 2) + "' is not a duration") << bad;
    EXPECT_EQ(d.location.column, 17u) << bad;
  }
  auto negative = validate_role("", "start_timeout = -5\n");
  EXPECT_EQ(only_error(negative, "start_timeout", 1).message, "start_timeout must be at least 0, got -5");
  auto typed = validate_role("", "start_timeout = 1.5\n");
  EXPECT_EQ(only_error(typed, "start_timeout", 1).message, "start_timeout must be a duration, got float 1.5");
}

TEST_F(Schema2Test, ConfigIsATable) {
  auto c = validate_role("", "config = \"lr=0.1\"\n");
  EXPECT_EQ(only_error(c, "config", 1).message, "config must be a table, got string \"lr=0.1\"");
}

TEST_F(Schema2Test, ConfigHoldsOnlyWhatJsonCan) {
  auto c = validate_role("", "[config]\nlr = 0.1\nbounds = [1.0, inf]\n");
  auto d = only_error(c, "config.bounds[1]", 3);
  EXPECT_EQ(d.message, "config.bounds[1] is infinite, which the config file (JSON) cannot hold");
  auto nan = validate_role("", "config = { model = { x = nan } }\n");
  EXPECT_EQ(only_error(nan, "config.model.x", 1).message,
            "config.model.x is nan, which the config file (JSON) cannot hold");
}

TEST_F(Schema2Test, ModuleEntrypointRulesAreLocated) {
  auto missing = validate("[[roles]]\nname = \"t\"\nentrypoint = { args = [\"x\"] }\n");
  EXPECT_EQ(only_error(missing, "roles[0].entrypoint", 3).message, "a module entrypoint needs a module");

  auto bad_name = validate("[[roles]]\nname = \"t\"\nentrypoint = { module = \"pkg/train.py\" }\n");
  auto d = only_error(bad_name, "roles[0].entrypoint", 3);
  EXPECT_EQ(d.message, "'pkg/train.py' is not a Python module name");
  EXPECT_EQ(d.location.column, 25u);

  auto unknown = validate("[[roles]]\nname = \"t\"\nentrypoint = { module = \"m\", argz = [] }\n");
  auto u = only_error(unknown, "roles[0].entrypoint.argz", 3);
  EXPECT_EQ(u.message, "unknown key 'argz' in a module entrypoint");
  EXPECT_EQ(u.hint, "did you mean 'args'?");

  auto args = validate("[[roles]]\nname = \"t\"\nentrypoint = { module = \"m\", args = [\"a\", 1] }\n");
  EXPECT_EQ(only_error(args, "roles[0].entrypoint.args[1]", 3).message,
            "roles[0].entrypoint.args[1] must be a string, got integer 1");

  auto python = validate("[[roles]]\nname = \"t\"\nentrypoint = { module = \"m\", python = \"/opt/venv/bin/python\" }\n");
  ASSERT_TRUE(python.diagnostics.empty()) << dump(python);
  EXPECT_EQ(python.job->roles[0].entrypoint, (std::vector<std::string>{"/opt/venv/bin/python", "-m", "m"}));
}

TEST_F(Schema2Test, TorchrunSettingsNeedTheTorchrunLauncher) {
  auto c = validate_role("nproc_per_node = 4\nrdzv_backend = \"static\"\nrdzv_port = 29400");
  std::vector<std::string> paths;
  for (const auto& d : c.diagnostics) paths.push_back(d.path + ": " + d.message);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "roles[0].nproc_per_node: nproc_per_node is a setting of launcher = \"torchrun\"",
                       "roles[0].rdzv_backend: rdzv_backend is a setting of launcher = \"torchrun\"",
                       "roles[0].rdzv_port: rdzv_port is a setting of launcher = \"torchrun\""}))
      << dump(c);
}

TEST_F(Schema2Test, ATorchrunReplicaIsOneNode) {
  auto c = validate_role("launcher = \"torchrun\"\nreplicas = 4\nper_node = 2");
  auto d = only_error(c, "roles[0].per_node", 7);
  EXPECT_EQ(d.message, "with launcher = \"torchrun\" each replica is one torchrun node, so per_node must be 1, got 2");
  EXPECT_EQ(d.hint, "start several processes per node with nproc_per_node = 2");
}

TEST_F(Schema2Test, AStaticRendezvousIsNotElastic) {
  auto c = validate_role("launcher = \"torchrun\"\nrdzv_backend = \"static\"\nreplicas = 4\nmin_replicas = 2");
  EXPECT_EQ(only_error(c, "roles[0].min_replicas", 8).message,
            "a static rendezvous has a fixed number of nodes, so min_replicas (2) must equal replicas (4)");
}

TEST_F(Schema2Test, RdzvPortIsAPort) {
  auto c = validate_role("launcher = \"torchrun\"\nrdzv_port = 70000");
  EXPECT_EQ(only_error(c, "roles[0].rdzv_port", 6).message, "rdzv_port (70000) is not a port (0 to 65535)");
}

TEST_F(Schema2Test, JobsBuiltInCodeGetTheSameRulesAndDocument) {
  Value config = Value::table();
  config.set("lr", Value::floating(0.5));
  Job job = JobBuilder("built")
                .working_dir("/tmp")
                .failover_scope("replica")
                .start_timeout_seconds(60)
                .priority("low")
                .config(config)
                .role("trainer")
                .entrypoint({"python3", "train.py"})
                .replicas(4)
                .min_replicas(5)
                .role_max_restarts(2)
                .torchrun(8)
                .build();
  auto validate_built = [](const Job& built) {
    ValidationContext c;
    c.job = built;
    ValidationPipeline::for_built_job().run(c);
    return c.diagnostics;
  };
  Diagnostics found = validate_built(job);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, "roles[0].min_replicas");
  job.roles[0].min_replicas = 2;
  ASSERT_TRUE(validate_built(job).empty());
  sdk::Job document = sdk::parse_job(job_document(job, "{}"));
  EXPECT_EQ(document.schema_version, 2);
  EXPECT_EQ(document.failover.scope, "replica");
  EXPECT_EQ(document.start_timeout, 60);
  EXPECT_EQ(document.config.json(), R"({"lr":0.5})");
  EXPECT_EQ(document.roles[0].launcher, "torchrun");
  EXPECT_EQ(document.roles[0].nproc_per_node, 8);
  EXPECT_EQ(document.roles[0].min_replicas, 2);
  EXPECT_EQ(document.roles[0].max_restarts, 2);
}

// What a plugin's validate reports for the version 2 fields it does not honour.
TEST_F(Schema2Test, APluginRefusesTheFieldsItDoesNotHonourAtTheirPaths) {
  sdk::Job job;
  job.failover.scope = "role";
  job.priority = "high";
  job.roles.emplace_back().name = "trainer";
  job.roles[0].replicas = 2;
  job.roles[0].min_replicas = 1;
  std::vector<std::string> reports;
  dlaunch_diagnostic_sink sink{DLAUNCH_DIAGNOSTIC_SINK_SIZE_1_0, &reports,
                               [](void* context, int32_t, const char* path, const char* message, const char*) {
                                 static_cast<std::vector<std::string>*>(context)->push_back(std::string(path) + ": " +
                                                                                            message);
                               }};
  sdk::refuse_fields_not_honoured(job, "example", {"priority"},
                                  {{"roles.min_replicas", "its jobs have a fixed size"}}, sdk::DiagnosticsOut(&sink));
  EXPECT_EQ(reports, (std::vector<std::string>{
                         "failover.scope: the example platform cannot honour scope: the example plugin does not "
                         "implement it yet",
                         "roles[0].min_replicas: the example platform cannot honour min_replicas: its jobs have a "
                         "fixed size"}));
}

TEST_F(Schema2Test, LauncherIsAChoice) {
  auto c = validate_role("launcher = \"dlrover-run\"");
  EXPECT_EQ(only_error(c, "roles[0].launcher", 5).message, "launcher 'dlrover-run' is not one of direct, torchrun");
}

}  // namespace
}  // namespace dlaunch
