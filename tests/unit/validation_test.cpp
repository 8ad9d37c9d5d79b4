// Every validation rule, good and bad, through the spec-file pipeline (parse, overrides, schema, semantics)
// and, for jobs built in code, through the semantic stage alone.
#include <dlaunch/core/builder.hpp>
#include <dlaunch/core/job_document.hpp>
#include <dlaunch/core/validation.hpp>
#include <gtest/gtest.h>

#include "support/process.hpp"

namespace dlaunch {
namespace {

const char* kGoodRole = R"(
[[roles]]
name = "trainer"
entrypoint = ["python3", "train.py"]
replicas = 2
per_node = 2
resources = { cpu = 1, gpu = 0, memory = "512Mi" }
)";

class ValidationTest : public ::testing::Test {
 protected:
  // Validates `text` as a spec file named job.toml (or job.json).
  ValidationContext validate(const std::string& text, const std::string& name = "job.toml",
                             std::vector<std::string> overrides = {}) {
    ValidationContext context;
    context.spec_file = dir_.write(name, text);
    context.overrides = std::move(overrides);
    ValidationPipeline::for_spec_file().run(context);
    return context;
  }

  // The single error of a context, checked to be at `path`.
  static const Diagnostic& only_error(const ValidationContext& c, const std::string& path) {
    std::vector<const Diagnostic*> errors;
    for (const auto& d : c.diagnostics) {
      if (d.severity == Severity::kError) errors.push_back(&d);
    }
    EXPECT_EQ(errors.size(), 1u) << dump(c);
    static Diagnostic none;
    if (errors.empty()) return none;
    EXPECT_EQ(errors[0]->path, path) << dump(c);
    return *errors[0];
  }

  static std::string dump(const ValidationContext& c) {
    std::string out;
    for (const auto& d : c.diagnostics) out += format_diagnostic(d) + "\n";
    return out;
  }

  test::TempDir dir_;
};

TEST_F(ValidationTest, AGoodSpecHasNoDiagnosticsAndBecomesAJob) {
  auto c = validate(std::string("name = \"mnist-ddp\"\nenv = { OMP_NUM_THREADS = \"1\" }\n") + kGoodRole);
  EXPECT_TRUE(c.diagnostics.empty()) << dump(c);
  ASSERT_TRUE(c.job.has_value());
  EXPECT_EQ(c.job->name, "mnist-ddp");
  ASSERT_EQ(c.job->roles.size(), 1u);
  EXPECT_EQ(c.job->roles[0].replicas, 2);
  EXPECT_EQ(c.job->env.at("OMP_NUM_THREADS"), "1");
}

TEST_F(ValidationTest, NameDefaultsToTheFileStemMadeSafe) {
  auto c = validate(kGoodRole, "My_Job.v2.toml");
  EXPECT_TRUE(c.diagnostics.empty()) << dump(c);
  EXPECT_EQ(c.job->name, "my-job-v2");
}

TEST_F(ValidationTest, UnknownKeysAreErrorsWithDidYouMean) {
  auto c = validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nreplicsa = 2\n");
  const Diagnostic& d = only_error(c, "roles[0].replicsa");
  EXPECT_EQ(d.location.line, 4u);
  EXPECT_EQ(d.location.column, 1u);
  EXPECT_EQ(d.hint, "did you mean 'replicas'?");

  auto top = validate(std::string("nmae = \"x\"\n") + kGoodRole);
  EXPECT_EQ(only_error(top, "nmae").hint, "did you mean 'name'?");
}

TEST_F(ValidationTest, AJobNeedsAtLeastOneRole) {
  auto c = validate("name = \"empty\"\n");
  only_error(c, "roles");
}

TEST_F(ValidationTest, RoleNamesAreUniqueAndDnsLabels) {
  auto dup = validate(std::string(kGoodRole) + kGoodRole);
  const Diagnostic& d = only_error(dup, "roles[1].name");
  EXPECT_NE(d.message.find("already used by roles[0]"), std::string::npos);
  EXPECT_EQ(d.location.line, 10u);

  auto bad = validate("[[roles]]\nname = \"Trainer_1\"\nentrypoint = [\"x\"]\n");
  only_error(bad, "roles[0].name");
}

TEST_F(ValidationTest, EntrypointMustBeNonEmpty) {
  only_error(validate("[[roles]]\nname = \"t\"\nentrypoint = []\n"), "roles[0].entrypoint");
  only_error(validate("[[roles]]\nname = \"t\"\nentrypoint = \"  \"\n"), "roles[0].entrypoint");
  only_error(validate("[[roles]]\nname = \"t\"\n"), "roles[0].entrypoint");
  auto shell = validate("[[roles]]\nname = \"t\"\nentrypoint = \"echo hi\"\n");
  EXPECT_TRUE(shell.diagnostics.empty()) << dump(shell);
  EXPECT_EQ(shell.job->roles[0].entrypoint, (std::vector<std::string>{"/bin/sh", "-c", "echo hi"}));
}

TEST_F(ValidationTest, IntegersMustBeIntegers) {
  auto c = validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nreplicas = 2.5\n");
  const Diagnostic& d = only_error(c, "roles[0].replicas");
  EXPECT_NE(d.message.find("must be an integer, got float 2.5"), std::string::npos) << d.message;
  EXPECT_EQ(d.location.line, 4u);
  EXPECT_EQ(d.location.column, 12u);
}

TEST_F(ValidationTest, AWrongTypeIsReportedOnceNotAgainThroughItsDefault) {
  // replicas keeps its default (1) after the type error; 1 % 2 must not become a second error.
  auto c = validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nreplicas = 2.5\nper_node = 2\n");
  only_error(c, "roles[0].replicas");
}

TEST_F(ValidationTest, ThePlatformCanBeNamedBesideItsOptions) {
  auto c = validate(std::string("[platform]\nname = \"ray\"\n[platform.ray]\naddress = \"http://h:8265\"\n") + kGoodRole);
  EXPECT_TRUE(c.diagnostics.empty()) << dump(c);
  EXPECT_EQ(c.job->platform, "ray");
  EXPECT_TRUE(c.job->platform_options.count("ray"));
  auto wrong = validate(std::string("[platform]\nray = \"x\"\n") + kGoodRole);
  const Diagnostic& d = only_error(wrong, "platform.ray");
  EXPECT_EQ(d.hint, "to choose the platform inside [platform], write: name = \"ray\"");
}

TEST_F(ValidationTest, CountsAreAtLeastOne) {
  only_error(validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nreplicas = 0\n"), "roles[0].replicas");
  only_error(validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nper_node = 0\n"), "roles[0].per_node");
  only_error(validate(std::string("node_num = 0\n") + kGoodRole), "node_num");
  only_error(validate(std::string("[failover]\nmax_restarts = -1\n") + kGoodRole), "failover.max_restarts");
}

TEST_F(ValidationTest, ReplicasMustBeAMultipleOfPerNode) {
  auto c = validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nreplicas = 3\nper_node = 2\n");
  const Diagnostic& d = only_error(c, "roles[0].per_node");
  EXPECT_NE(d.message.find("replicas (3) must be a multiple of per_node (2)"), std::string::npos);
  EXPECT_EQ(d.location.line, 5u);
}

// A key with a dot is quoted in its path, and the diagnostic still finds its line and column.
TEST_F(ValidationTest, KeysWithDotsAreQuotedInPathsAndLocated) {
  auto c = validate(std::string("labels = { \"app.k8s.io/name\" = 1 }\n") + kGoodRole);
  const Diagnostic& d = only_error(c, "labels.\"app.k8s.io/name\"");
  EXPECT_EQ(d.location.line, 1u);
  EXPECT_EQ(d.location.column, 32u);
}

TEST_F(ValidationTest, MemoryNeedsAUnit) {
  auto no_unit = validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nresources = { memory = \"512\" }\n");
  const Diagnostic& d = only_error(no_unit, "roles[0].resources.memory");
  EXPECT_NE(d.hint.find("Ki Mi Gi Ti"), std::string::npos);
  only_error(validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nresources = { memory = 512 }\n"),
             "roles[0].resources.memory");
  only_error(validate("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nresources = { memory = \"12MB\" }\n"),
             "roles[0].resources.memory");
  for (const char* good : {"512Mi", "1.5Gi", "2G", "100K", "1Ti"}) {
    auto c = validate(std::string("[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nresources = { memory = \"") + good +
                      "\" }\n");
    EXPECT_TRUE(c.diagnostics.empty()) << good << "\n" << dump(c);
  }
  EXPECT_EQ(parse_memory_bytes("512Mi"), 512 * 1024 * 1024);
  EXPECT_EQ(parse_memory_bytes("2G"), 2000000000);
  EXPECT_EQ(parse_memory_bytes("1.5Ki"), 1536);
  EXPECT_FALSE(parse_memory_bytes("Mi").has_value());
  EXPECT_FALSE(parse_memory_bytes("-1Gi").has_value());
}

TEST_F(ValidationTest, GpusPerNodeMustFitTheNode) {
  auto c = validate(
      "node_num = 2\ndevice_per_node = 2\n[[roles]]\nname = \"t\"\nentrypoint = [\"x\"]\nreplicas = 2\nper_node = 2\n"
      "resources = { gpu = 2 }\n");
  const Diagnostic& d = only_error(c, "roles[0].resources.gpu");
  EXPECT_NE(d.message.find("= 4 GPUs on one node, but device_per_node is 2"), std::string::npos) << d.message;
}

TEST_F(ValidationTest, TheMostLoadedNodeMustHoldItsGpusWithEveryRoleOnIt) {
  // Groups a0 a1 a2 b0 b1 dealt onto 2 nodes: node 0 holds a0, a2 and b1, 3 GPUs > 2. Each role fits alone.
  auto c = validate(
      "node_num = 2\ndevice_per_node = 2\n"
      "[[roles]]\nname = \"a\"\nentrypoint = [\"x\"]\nreplicas = 3\nresources = { gpu = 1 }\n"
      "[[roles]]\nname = \"b\"\nentrypoint = [\"x\"]\nreplicas = 2\nresources = { gpu = 1 }\n");
  const Diagnostic& d = only_error(c, "device_per_node");
  EXPECT_NE(d.message.find("put 3 GPUs on the most loaded of the job's 2 nodes, but device_per_node is 2"), std::string::npos) << d.message;
  // The sum fits (9 of 2 × 5) but the replicas are whole: node 0 gets two of 3 GPUs.
  auto whole = validate(
      "node_num = 2\ndevice_per_node = 5\n"
      "[[roles]]\nname = \"a\"\nentrypoint = [\"x\"]\nreplicas = 3\nresources = { gpu = 3 }\n");
  const Diagnostic& w = only_error(whole, "device_per_node");
  EXPECT_NE(w.message.find("put 6 GPUs on the most loaded of the job's 2 nodes, but device_per_node is 5"), std::string::npos) << w.message;
  auto fits = validate(
      "node_num = 3\ndevice_per_node = 2\n"
      "[[roles]]\nname = \"a\"\nentrypoint = [\"x\"]\nreplicas = 3\nresources = { gpu = 1 }\n"
      "[[roles]]\nname = \"b\"\nentrypoint = [\"x\"]\nreplicas = 2\nresources = { gpu = 1 }\n");
  EXPECT_TRUE(fits.diagnostics.empty()) << dump(fits);
}

TEST_F(ValidationTest, TfTaskTypesAreOneRoleEachAndTheChiefIsOne) {
  auto twice = validate(
      "[[roles]]\nname = \"a\"\nentrypoint = [\"x\"]\ntf_task = \"worker\"\n"
      "[[roles]]\nname = \"b\"\nentrypoint = [\"x\"]\ntf_task = \"worker\"\n");
  const Diagnostic& d = only_error(twice, "roles[1].tf_task");
  EXPECT_NE(d.message.find("tf_task \"worker\" is already the task type of roles[0]"), std::string::npos) << d.message;
  auto chiefs = validate("[[roles]]\nname = \"c\"\nentrypoint = [\"x\"]\nreplicas = 2\ntf_task = \"chief\"\n");
  const Diagnostic& c = only_error(chiefs, "roles[0].tf_task");
  EXPECT_NE(c.message.find("TensorFlow has one chief, but this role has 2 replicas"), std::string::npos) << c.message;
  auto wrong = validate("[[roles]]\nname = \"c\"\nentrypoint = [\"x\"]\ntf_task = \"master\"\n");
  only_error(wrong, "roles[0].tf_task");
}

TEST_F(ValidationTest, EnvNamesAreIdentifiersAndValuesStrings) {
  auto c = validate(std::string("env = { \"1BAD\" = \"x\" }\n") + kGoodRole);
  only_error(c, "env.1BAD");
  auto number = validate(std::string("env = { THREADS = 4 }\n") + kGoodRole);
  const Diagnostic& d = only_error(number, "env.THREADS");
  EXPECT_EQ(d.hint, "quote it: THREADS = \"4\"");
}

TEST_F(ValidationTest, DeviceTypeIsOneOfTheKnown) {
  only_error(validate(std::string("device_type = \"FPGA\"\n") + kGoodRole), "device_type");
}

TEST_F(ValidationTest, WorkingDirIsRelativeToTheSpecAndMustExist) {
  dir_.write("code/train.py", "print(1)\n");
  auto ok = validate(std::string("working_dir = \"code\"\n") + kGoodRole);
  EXPECT_TRUE(ok.diagnostics.empty()) << dump(ok);
  only_error(validate(std::string("working_dir = \"nowhere\"\n") + kGoodRole), "working_dir");
}

TEST_F(ValidationTest, EveryProblemIsReportedAtOnceInFileOrder) {
  auto c = validate(
      "name = \"Bad_Name\"\n"                                         // 1
      "[[roles]]\n"                                                   // 2
      "name = \"t\"\n"                                                // 3
      "entrypoint = [\"x\"]\n"                                        // 4
      "replicsa = 2\n"                                                // 5
      "replicas = 2.5\n"                                              // 6
      "resources = { memory = \"512\" }\n"                            // 7
      "env = { \"1BAD\" = \"x\" }\n");                                // 8
  ASSERT_EQ(c.diagnostics.size(), 5u) << dump(c);
  uint32_t previous = 0;
  for (const auto& d : c.diagnostics) {
    EXPECT_EQ(d.severity, Severity::kError);
    EXPECT_TRUE(d.location.known()) << format_diagnostic(d);
    EXPECT_GE(d.location.line, previous);
    previous = d.location.line;
  }
}

TEST_F(ValidationTest, JsonSpecsAreLocatedToo) {
  auto c = validate(
      "{\n"
      "  \"name\": \"j\",\n"
      "  \"roles\": [\n"
      "    {\"name\": \"t\", \"entrypoint\": [\"x\"], \"replicas\": 2.5}\n"
      "  ]\n"
      "}\n",
      "job.json");
  const Diagnostic& d = only_error(c, "roles[0].replicas");
  EXPECT_EQ(d.location.line, 4u);
  EXPECT_EQ(d.location.column, 52u);
}

TEST_F(ValidationTest, OverridesAreValidatedLikeTheFile) {
  auto c = validate(kGoodRole, "job.toml", {"roles.trainer.replicas=3"});
  const Diagnostic& d = only_error(c, "roles[0].per_node");  // 3 is not a multiple of per_node 2
  EXPECT_NE(d.message.find("replicas (3)"), std::string::npos);
  auto fine = validate(kGoodRole, "job.toml", {"roles.trainer.replicas=4"});
  EXPECT_TRUE(fine.diagnostics.empty()) << dump(fine);
  EXPECT_EQ(fine.job->roles[0].replicas, 4);
}

TEST_F(ValidationTest, BuiltJobsGetTheSameRulesWithKeyPaths) {
  Job job = JobBuilder("Bad Name").role("trainer").entrypoint({}).replicas(3).per_node(2).build();
  ValidationContext c;
  c.job = job;
  ValidationPipeline::for_built_job().run(c);
  std::vector<std::string> paths;
  for (const auto& d : c.diagnostics) {
    EXPECT_FALSE(d.location.known());
    paths.push_back(d.path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"name", "roles[0].entrypoint", "roles[0].per_node"}));
  EXPECT_EQ(format_diagnostic(c.diagnostics[0]).rfind("name: error: ", 0), 0u) << format_diagnostic(c.diagnostics[0]);
}

TEST_F(ValidationTest, PlatformOptionsAreCheckedAgainstTheDeclaredOnes) {
  auto c = validate(std::string("[platform.ray]\nadress = \"http://x\"\nretries = \"3\"\n") + kGoodRole);
  EXPECT_TRUE(c.diagnostics.empty()) << dump(c);  // checking them is the platform stage's work
  std::vector<PlatformOption> declared = {{"address", OptionType::kString, false, false, "\"http://127.0.0.1:8265\"", "where"},
                                          {"retries", OptionType::kInteger, false, false, "3", "how often"},
                                          {"token", OptionType::kString, true, true, "", "secret"}};
  Diagnostics found = check_platform_options(&c.job->platform_options.at("ray"), "ray", declared);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].path, "platform.ray.adress");
  EXPECT_EQ(found[0].hint, "did you mean 'address'?");
  EXPECT_EQ(found[0].location.line, 2u);
  EXPECT_EQ(found[1].path, "platform.ray.retries");
  EXPECT_NE(found[1].message.find("must be of type integer"), std::string::npos);
  EXPECT_EQ(found[2].path, "platform.ray.token");
}

TEST(OptionTypes, ValuesMatchTheirDeclaredType) {
  Value strings = Value::array();
  strings.push_back(Value::string("a"));
  Value mixed = strings;
  mixed.push_back(Value::integer(1));
  Value table = Value::table();
  table.set("k", Value::string("v"));
  EXPECT_TRUE(option_value_matches(Value::string("x"), OptionType::kString));
  EXPECT_FALSE(option_value_matches(Value::integer(3), OptionType::kString));
  EXPECT_TRUE(option_value_matches(Value::integer(3), OptionType::kInteger));
  EXPECT_FALSE(option_value_matches(Value::floating(2.5), OptionType::kInteger));
  EXPECT_TRUE(option_value_matches(Value::floating(2.5), OptionType::kNumber));
  EXPECT_TRUE(option_value_matches(Value::boolean(true), OptionType::kBoolean));
  EXPECT_TRUE(option_value_matches(strings, OptionType::kStringArray));
  EXPECT_FALSE(option_value_matches(mixed, OptionType::kStringArray));
  EXPECT_TRUE(option_value_matches(table, OptionType::kStringTable));
  EXPECT_FALSE(option_value_matches(strings, OptionType::kStringTable));
  EXPECT_TRUE(option_value_matches(mixed, OptionType::kAny));
}

TEST_F(ValidationTest, TheJobDocumentIsNormalized) {
  dir_.write("code/x", "");
  auto c = validate(std::string("working_dir = \"code\"\n[[roles]]\nname = \"a\"\nentrypoint = \"echo hi\"\n") +
                    "resources = { memory = \"1Ki\" }\n[[roles]]\nname = \"b\"\nentrypoint = [\"x\"]\ndriver = true\n");
  ASSERT_TRUE(c.diagnostics.empty()) << dump(c);
  std::vector<PlatformOption> declared = {{"grace", OptionType::kInteger, false, false, "10", ""},
                                          {"token", OptionType::kString, false, true, "", ""}};
  c.job->platform_options["local"] = Value::table();
  c.job->platform_options["local"].set("token", Value::string("s3cret"));
  std::string options = platform_options_json(*c.job, "local", declared);
  EXPECT_EQ(options, "{\"token\":\"s3cret\",\"grace\":10}");
  EXPECT_EQ(redacted_options_json(options, declared), "{\"token\":\"***\",\"grace\":10}");
  std::string doc = job_document(*c.job, options);
  EXPECT_NE(doc.find("\"schema_version\":1"), std::string::npos);
  EXPECT_NE(doc.find("\"working_dir\":\"" + dir_.path() + "/code\""), std::string::npos) << doc;
  EXPECT_NE(doc.find("\"entrypoint\":[\"/bin/sh\",\"-c\",\"echo hi\"]"), std::string::npos) << doc;
  EXPECT_NE(doc.find("\"memory_bytes\":1024"), std::string::npos) << doc;
  // Role b says driver = true, so role a is not a driver.
  EXPECT_NE(doc.find("\"name\":\"a\",\"entrypoint\""), std::string::npos);
  EXPECT_NE(doc.find("\"driver\":false"), std::string::npos) << doc;
  EXPECT_NE(doc.find("\"driver\":true"), std::string::npos) << doc;
  EXPECT_NE(doc.find("\"platform\":{\"token\":\"s3cret\",\"grace\":10}"), std::string::npos) << doc;
}

}  // namespace
}  // namespace dlaunch
