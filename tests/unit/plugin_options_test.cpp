// Options declared in a manifest (version 2): how they are read, and how the host compares them with the
// table a plugin's code hands it.
#include <dlaunch/core/job_schema.hpp>
#include <dlaunch/core/platform_schema.hpp>
#include <dlaunch/core/plugin_catalog.hpp>
#include <dlaunch/core/plugin_option.hpp>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "support/process.hpp"

namespace dlaunch {
namespace {

const std::vector<PlatformOption> kDeclared = {
    {"address", OptionType::kString, false, false, "\"http://127.0.0.1:8265\"", "Where it is."},
    {"headers", OptionType::kStringTable, false, true, "{\"a\":\"1\",\"b\":\"2\"}", "Sent along."},
    {"retries", OptionType::kInteger, true, false, "", "How often."}};

std::string difference(const std::vector<PlatformOption>& table) {
  return first_option_difference(kDeclared, table).value_or("(none)");
}

TEST(OptionDifference, IdenticalDeclarationsAgree) {
  EXPECT_EQ(first_option_difference(kDeclared, kDeclared), std::nullopt);
  EXPECT_EQ(first_option_difference({}, {}), std::nullopt);
}

TEST(OptionDifference, DefaultsAreComparedAsJsonValues) {
  auto table = kDeclared;
  table[1].default_json = "{ \"b\": \"2\", \"a\": \"1\" }";  // other order, other spacing
  EXPECT_EQ(first_option_difference(kDeclared, table), std::nullopt);
  auto numbers = kDeclared;
  numbers[0] = {"grace", OptionType::kNumber, false, false, "1", "x"};
  auto written = numbers;
  written[0].default_json = "1.0";
  EXPECT_EQ(first_option_difference(numbers, written), std::nullopt);
}

TEST(OptionDifference, NamesTheFirstDifferenceOfEachKind) {
  auto t = kDeclared;
  t[0].name = "adress";
  EXPECT_EQ(difference(t), "option 1 is 'address' in the manifest but 'adress' in the table");
  t = kDeclared;
  t[2].type = OptionType::kNumber;
  EXPECT_EQ(difference(t), "option 'retries': the manifest says type integer, the table number");
  t = kDeclared;
  t[2].required = false;
  EXPECT_EQ(difference(t), "option 'retries': the manifest says required true, the table false");
  t = kDeclared;
  t[1].secret = false;
  EXPECT_EQ(difference(t), "option 'headers': the manifest says secret true, the table false");
  t = kDeclared;
  t[0].default_json = "\"http://localhost:8265\"";
  EXPECT_EQ(difference(t),
            "option 'address': the manifest says default \"http://127.0.0.1:8265\", the table \"http://localhost:8265\"");
  t = kDeclared;
  t[2].default_json = "3";
  EXPECT_EQ(difference(t), "option 'retries': the manifest says default none, the table 3");
  t = kDeclared;
  t[0].help = "Where.";
  EXPECT_EQ(difference(t), "option 'address': the manifest says help \"Where it is.\", the table \"Where.\"");
  t = kDeclared;
  t.pop_back();
  EXPECT_EQ(difference(t), "option 3 'retries' is in the manifest, not in the table");
  t = kDeclared;
  t.push_back({"extra", OptionType::kAny, false, false, "", "More."});
  EXPECT_EQ(difference(t), "option 4 'extra' is in the table, not in the manifest");
}

class ManifestOptionsTest : public ::testing::Test {
 protected:
  std::expected<PluginManifest, std::string> read(const std::string& options) {
    return read_manifest(dir_.write("plugin.json",
                                    "{\"manifest_version\": 2, \"id\": \"p\", \"library\": \"libdlaunch-p.so\", "
                                    "\"abi\": {\"major\": 1, \"minor\": 0}" +
                                        (options.empty() ? "" : ", \"options\": " + options) + "}"));
  }
  std::string error(const std::string& options) {
    auto m = read(options);
    return m ? "(read)" : m.error();
  }
  test::TempDir dir_;
};

TEST_F(ManifestOptionsTest, ReadsEveryField) {
  auto m = read(R"([{"name": "address", "type": "string", "default": "http://x", "help": "Where."},
                    {"name": "token", "type": "string", "required": true, "secret": true, "help": "Secret."},
                    {"name": "headers", "type": "string_table", "default": {"a": "1"}, "help": "Sent."}])");
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_TRUE(m->declares_options);
  ASSERT_EQ(m->options.size(), 3u);
  EXPECT_EQ(m->options[0].name, "address");
  EXPECT_EQ(m->options[0].type, OptionType::kString);
  EXPECT_EQ(m->options[0].default_json, "\"http://x\"");
  EXPECT_EQ(m->options[0].help, "Where.");
  EXPECT_FALSE(m->options[0].required);
  EXPECT_TRUE(m->options[1].required);
  EXPECT_TRUE(m->options[1].secret);
  EXPECT_EQ(m->options[1].default_json, "");
  EXPECT_EQ(m->options[2].type, OptionType::kStringTable);
  EXPECT_EQ(m->options[2].default_json, "{\"a\":\"1\"}");

  auto none = read("[]");
  ASSERT_TRUE(none.has_value()) << none.error();
  EXPECT_TRUE(none->declares_options);
  EXPECT_TRUE(none->options.empty());
}

TEST_F(ManifestOptionsTest, AVersion1ManifestDeclaresNoOptions) {
  auto m = read_manifest(dir_.write("plugin.json", R"({"manifest_version": 1, "id": "p", "library": "libdlaunch-p.so",
                                                       "abi": {"major": 1, "minor": 0}})"));
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_FALSE(m->declares_options);
  EXPECT_TRUE(m->options.empty());
}

TEST_F(ManifestOptionsTest, ADeeplyNestedManifestIsRefusedWithoutRecursing) {
  // 400,000 '[' (within the manifest's 1 MiB) overflow the stack of RapidJSON's recursive parser.
  const std::string e = error(std::string(400000, '[') + std::string(400000, ']'));
  EXPECT_NE(e.find("options[0]"), std::string::npos) << e.substr(0, 200);
}

TEST_F(ManifestOptionsTest, RefusesMalformedOptionsNamingTheOption) {
  EXPECT_NE(error("").find("manifest_version 2 needs an \"options\" array"), std::string::npos) << error("");
  std::string e = error(R"([{"name": "a", "type": "str", "help": "x"}])");
  EXPECT_NE(e.find("options[0] ('a'): \"type\" must be one of string, integer"), std::string::npos) << e;
  e = error(R"([{"name": "a", "type": "string", "help": "x"}, {"name": "a", "type": "any", "help": "y"}])");
  EXPECT_NE(e.find("options[1]: option 'a' is declared twice"), std::string::npos) << e;
  e = error(R"([{"name": "a b", "type": "string"}])");
  EXPECT_NE(e.find("options[0]: \"name\" must be a non-empty string"), std::string::npos) << e;
  e = error(R"([{"name": "a", "type": "string", "secret": "yes"}])");
  EXPECT_NE(e.find("\"secret\" must be true or false"), std::string::npos) << e;
  e = error(R"(["a"])");
  EXPECT_NE(e.find("options[0] must be an object"), std::string::npos) << e;
  EXPECT_NE(e.find(dir_.path() + "/plugin.json: "), std::string::npos) << e;
}

TEST(OptionTypeKeys, RoundTripEveryType) {
  for (auto type : {OptionType::kString, OptionType::kInteger, OptionType::kNumber, OptionType::kBoolean,
                    OptionType::kStringArray, OptionType::kStringTable, OptionType::kAny}) {
    EXPECT_EQ(option_type_from_key(option_type_key(type)), type) << option_type_key(type);
  }
  EXPECT_EQ(option_type_from_key("string array"), std::nullopt);
  EXPECT_STREQ(option_type_name(OptionType::kStringArray), "string array");
}

TEST(PlatformSchema, AddsTheOptionTablesOfPluginsThatDeclareThem) {
  PluginManifest declaring;
  declaring.id = "remote";
  declaring.declares_options = true;
  declaring.options = kDeclared;
  PluginManifest old;  // version 1: nothing to say without loading it
  old.id = "old";
  rapidjson::Document doc;
  doc.Parse(schema_with_platform_options(job_json_schema(), {declaring, old}).c_str());
  ASSERT_FALSE(doc.HasParseError());
  const rapidjson::Value* tables = nullptr;
  for (const auto& alternative : doc["properties"]["platform"]["oneOf"].GetArray()) {
    if (alternative["type"] == "object") tables = &alternative;
  }
  ASSERT_NE(tables, nullptr);
  ASSERT_TRUE(tables->HasMember("properties"));
  EXPECT_FALSE((*tables)["properties"].HasMember("old"));
  // docs/job-spec.md's `[platform] name = "ray"` beside `[platform.ray]`, as validate takes it.
  EXPECT_EQ((*tables)["properties"]["name"]["type"], "string");
  const auto& remote = (*tables)["properties"]["remote"];
  EXPECT_FALSE(remote["additionalProperties"].GetBool());
  EXPECT_EQ(remote["properties"]["address"]["default"], "http://127.0.0.1:8265");
  EXPECT_EQ(remote["properties"]["headers"]["additionalProperties"]["type"], "string");
  EXPECT_EQ(remote["properties"]["retries"]["type"], "integer");
  EXPECT_EQ(remote["properties"]["retries"]["description"], "How often.");
  ASSERT_EQ(remote["required"].Size(), 1u);
  EXPECT_EQ(remote["required"][0], "retries");
}

}  // namespace
}  // namespace dlaunch
