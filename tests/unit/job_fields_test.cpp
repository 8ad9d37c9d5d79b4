// The field table (sdk/include/dlaunch/job_fields.hpp) and what is generated from it: the JSON Schema, the
// field reference of docs/job-document.md, the job document and its SDK reader; and key paths.
#include <dlaunch/core/builder.hpp>
#include <dlaunch/core/job_document.hpp>
#include <dlaunch/core/job_schema.hpp>
#include <dlaunch/job_document.hpp>
#include <dlaunch/job_fields.hpp>
#include <dlaunch/key_path.hpp>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace dlaunch {
namespace {

const std::string kDocument = std::string(DLAUNCH_DOCS_DIR) + "/job-document.md";
constexpr std::string_view kBegin =
    "<!-- Generated from sdk/include/dlaunch/job_fields.hpp by `cmake --build build --target update-docs`. -->\n";
constexpr std::string_view kEnd = "<!-- End of the generated field reference. -->\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(JobFields, TheDocumentReferenceIsTheGeneratedOne) {
  std::string doc = read_file(kDocument);
  const auto begin = doc.find(kBegin);
  const auto end = doc.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << kDocument << " lacks the line " << kBegin;
  ASSERT_NE(end, std::string::npos) << kDocument << " lacks the line " << kEnd;
  const auto start = begin + kBegin.size();
  const std::string generated = job_fields_markdown();
  if (std::getenv("DLAUNCH_UPDATE_DOCS") != nullptr) {
    doc.replace(start, end - start, generated);
    std::ofstream(kDocument) << doc;
    return;
  }
  EXPECT_EQ(doc.substr(start, end - start), generated)
      << kDocument << " is out of date; run: cmake --build build --target update-docs";
}

TEST(JobFields, TheSchemaHasEveryFieldOfTheTableWithItsDefaultsAndBounds) {
  rapidjson::Document schema;
  schema.Parse(job_json_schema().c_str());
  ASSERT_FALSE(schema.HasParseError());
  const auto& job = schema["properties"];
  for (const auto& f : job_fields::kJobFields) {
    if (!f.key.empty()) {
      EXPECT_TRUE(job.HasMember(std::string(f.key).c_str())) << f.key;
    }
  }
  EXPECT_FALSE(job.HasMember("spec_file")) << "a document-only field is no spec key";
  EXPECT_EQ(job["node_num"]["default"].GetInt(), 1);
  EXPECT_EQ(job["node_num"]["minimum"].GetInt(), 1);
  EXPECT_EQ(job["device_type"]["enum"].Size(), 4u);
  EXPECT_STREQ(job["working_dir"]["default"].GetString(), ".");
  EXPECT_EQ(job["failover"]["properties"]["max_restarts"]["minimum"].GetInt(), 0);
  const auto& role = job["roles"]["items"];
  EXPECT_EQ(role["required"].Size(), 2u);
  EXPECT_FALSE(role["additionalProperties"].GetBool());
  EXPECT_EQ(role["properties"]["resources"]["properties"]["cpu"]["exclusiveMinimum"].GetInt(), 0);
  EXPECT_TRUE(role["properties"]["resources"]["properties"].HasMember("memory"));
  EXPECT_STREQ(role["properties"]["resources"]["properties"]["gpu"]["type"].GetString(), "number") << "0.4: a share";
  EXPECT_FALSE(role["properties"]["resources"]["properties"].HasMember("gpu_share"));
  EXPECT_EQ(job["colocations"]["items"]["properties"]["roles"]["minItems"].GetInt(), 2);
  EXPECT_EQ(schema["required"][0].GetString(), std::string("roles"));
}

// The host writes documents with the SDK's writer; the SDK's reader gives back what was written.
TEST(JobFields, TheSdkReadsBackEveryFieldTheHostWrites) {
  Job job = JobBuilder("round-trip")
                .node_num(2)
                .device_per_node(4)
                .device_type("GPU")
                .working_dir("/tmp")
                .env("A", "1")
                .label("team", "nlp")
                .max_restarts(3)
                .role("trainer")
                .entrypoint({"python3", "train.py"})
                .replicas(4)
                .per_node(2)
                .resources({.cpu = 2.5, .gpu = 1, .memory_bytes = 1 << 20})
                .role_env("B", "2")
                .role("monitor")
                .command("sleep 1")
                .driver(false)
                .build();
  const std::string document = job_document(job, "{\"x\":1}");
  sdk::Job read = sdk::parse_job(document);
  EXPECT_EQ(read.name, "round-trip");
  EXPECT_EQ(read.device_per_node, 4);
  EXPECT_EQ(read.failover.max_restarts, 3);
  EXPECT_EQ(read.roles.at(0).resources.memory_bytes, 1 << 20);
  EXPECT_EQ(read.roles.at(0).resources.cpu, 2.5);
  EXPECT_TRUE(read.roles.at(0).driver) << "no role says driver = true: every role is one";
  EXPECT_EQ(read.roles.at(1).entrypoint, (std::vector<std::string>{"/bin/sh", "-c", "sleep 1"}));
  EXPECT_EQ(read.platform.integer("x"), 1);
  EXPECT_EQ(sdk::write_job(read), document);
}

TEST(JobFields, TheSdkReaderFillsTheTablesDefaults) {
  sdk::Job job = sdk::parse_job("{\"schema_version\":1,\"roles\":[{\"name\":\"a\"}]}");
  EXPECT_EQ(job.node_num, 1);
  EXPECT_EQ(job.device_type, "CPU");
  EXPECT_EQ(job.failover.max_restarts, 0);
  ASSERT_EQ(job.roles.size(), 1u);
  EXPECT_EQ(job.roles[0].replicas, 1);
  EXPECT_EQ(job.roles[0].resources.cpu, 1.0);
  EXPECT_TRUE(job.roles[0].driver);
}

// RapidJSON's default parser recurses once per level: 200 KB of "[" overflowed the stack of any plugin reading
// such a document. The SDK reader (a header a third-party plugin compiles as it is) refuses it instead.
TEST(JobFields, TheSdkReaderRefusesADocumentNestedTooDeep) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  try {
    sdk::parse_job(R"({"schema_version":1,"roles":[{"name":"a"}],"platform":{"x":)" + deep + "}}");
    ADD_FAILURE() << "no error";
  } catch (const sdk::Error& error) {
    EXPECT_EQ(error.code(), DLAUNCH_ERR_INVALID_ARGUMENT);
    EXPECT_STREQ(error.what(), "the job document nests arrays and objects deeper than 512 levels");
  }
  try {
    sdk::Options::parse(R"({"x":)" + deep + "}");
    ADD_FAILURE() << "no error";
  } catch (const sdk::Error& error) {
    EXPECT_STREQ(error.what(), "the platform options document nests arrays and objects deeper than 512 levels");
  }
  // Brackets in strings do not count, and nesting up to the limit is read.
  const std::string within = std::string(510, '[') + std::string(510, ']');
  sdk::Job job = sdk::parse_job(R"({"schema_version":1,"roles":[{"name":")" + std::string(1000, '[') +
                                R"("}],"platform":{"x":)" + within + "}}");
  EXPECT_EQ(job.roles.at(0).name, std::string(1000, '['));
  EXPECT_TRUE(job.platform.has("x"));
}

TEST(KeyPath, BuildsAndParsesPaths) {
  const sdk::KeyPath path = sdk::KeyPath("roles").element(12).member("resources").member("gpu");
  EXPECT_EQ(path.str(), "roles[12].resources.gpu");
  auto steps = sdk::KeyPath::parse(path.str());
  ASSERT_TRUE(steps);
  ASSERT_EQ(steps->size(), 4u);
  EXPECT_EQ((*steps)[0].key, "roles");
  EXPECT_TRUE((*steps)[1].is_element());
  EXPECT_EQ((*steps)[1].index, 12u);
  EXPECT_EQ((*steps)[3].key, "gpu");
  EXPECT_TRUE(sdk::KeyPath::parse(""));
  EXPECT_TRUE(sdk::KeyPath::parse("platform.ray.runtime_env.working_dir"));
}

TEST(KeyPath, QuotesKeysThatWouldBeAmbiguousAndParsesThemBack) {
  const sdk::KeyPath path = sdk::KeyPath("labels").member("app.k8s.io/name");
  EXPECT_EQ(path.str(), "labels.\"app.k8s.io/name\"");
  for (const std::string key : {"app.k8s.io/name", "a[0]", "", "say \"hi\" \\o/"}) {
    auto steps = sdk::KeyPath::parse(sdk::KeyPath("labels").member(key).str());
    ASSERT_TRUE(steps) << key;
    ASSERT_EQ(steps->size(), 2u) << key;
    EXPECT_EQ((*steps)[1].key, key);
    EXPECT_FALSE((*steps)[1].is_element());
  }
  EXPECT_EQ(sdk::KeyPath("labels").member("team").str(), "labels.team");  // plain keys stay plain
}

TEST(KeyPath, RefusesMalformedPaths) {
  for (const char* bad : {"roles[]", "roles[x]", "roles[-1]", "roles[99999999999999999999999]", "roles[1",
                          "roles]", "a..b", ".a", "a.", "[0]", "roles[0]x", "labels.\"open", "a\"b"}) {
    EXPECT_FALSE(sdk::KeyPath::parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace dlaunch
