#include <dlaunch/core/spec_loader.hpp>

#include "support/process.hpp"
#include "unit/location_text.hpp"

#include <gtest/gtest.h>

namespace dlaunch {
namespace {

using test::location_text;

Value parse_ok(std::string_view text, SpecFormat format, const std::string& file) {
  auto parsed = parse_spec(text, format, file);
  if (!parsed) {
    std::string errors;
    for (const Diagnostic& d : parsed.error().diagnostics) errors += format_diagnostic(d) + "\n";
    ADD_FAILURE() << "unexpected parse failure:\n" << errors;
    return Value::table();
  }
  return std::move(*parsed);
}

Diagnostics parse_failure(std::string_view text, SpecFormat format, const std::string& file) {
  auto parsed = parse_spec(text, format, file);
  if (parsed) {
    ADD_FAILURE() << "parsing succeeded, expected an error";
    return {};
  }
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  return parsed.error().diagnostics;
}

std::vector<std::string> keys_of(const Value& table) {
  std::vector<std::string> keys;
  for (const Value::Member& member : table.members()) keys.push_back(member.key);
  return keys;
}

// ---- TOML -------------------------------------------------------------------------------------------------

constexpr std::string_view kTomlJob =
    "name = \"mnist-ddp\"\n"                               // 1
    "node_num = 2\n"                                       // 2
    "env = { B = \"1\", A = \"2\" }\n"                     // 3
    "\n"                                                   // 4
    "[failover]\n"                                         // 5
    "max_restarts = 2\n"                                   // 6
    "\n"                                                   // 7
    "[[roles]]\n"                                          // 8
    "name = \"trainer\"\n"                                 // 9
    "entrypoint = [\"python3\", \"train.py\"]\n"           // 10
    "replicas = 2.5\n"                                     // 11
    "resources = { cpu = 1, memory = \"512Mi\" }\n"        // 12
    "driver = true\n";                                     // 13

TEST(TomlSpec, ValuesHaveTheirKinds) {
  const Value root = parse_ok(kTomlJob, SpecFormat::kToml, "job.toml");
  ASSERT_TRUE(root.is_table());
  EXPECT_EQ(root.find("name")->as_string(), "mnist-ddp");
  EXPECT_TRUE(root.find("node_num")->is_integer());
  EXPECT_EQ(root.find("node_num")->as_integer(), 2);
  const Value& role = root.find("roles")->items().at(0);
  EXPECT_TRUE(role.find("replicas")->is_float());
  EXPECT_EQ(role.find("replicas")->as_number(), 2.5);
  EXPECT_TRUE(role.find("resources")->find("cpu")->is_integer());
  EXPECT_TRUE(role.find("driver")->as_bool());
  ASSERT_EQ(role.find("entrypoint")->items().size(), 2u);
  EXPECT_EQ(role.find("entrypoint")->items()[1].as_string(), "train.py");
}

TEST(TomlSpec, TablesKeepFileOrder) {
  const Value root = parse_ok(kTomlJob, SpecFormat::kToml, "job.toml");
  EXPECT_EQ(keys_of(root), (std::vector<std::string>{"name", "node_num", "env", "failover", "roles"}));
  EXPECT_EQ(keys_of(*root.find("env")), (std::vector<std::string>{"B", "A"}));
}

TEST(TomlSpec, ValuesAndKeysAreLocatedExactly) {
  const Value root = parse_ok(kTomlJob, SpecFormat::kToml, "job.toml");
  EXPECT_EQ(location_text(root.location()), "job.toml:1:1");
  EXPECT_EQ(location_text(root.find_member("name")->key_location), "job.toml:1:1");
  EXPECT_EQ(location_text(root.find("name")->location()), "job.toml:1:8");

  const Value& env = *root.find("env");
  EXPECT_EQ(location_text(env.location()), "job.toml:3:7");
  EXPECT_EQ(location_text(env.find_member("A")->key_location), "job.toml:3:18");
  EXPECT_EQ(location_text(env.find("A")->location()), "job.toml:3:22");

  EXPECT_EQ(location_text(root.find_member("failover")->key_location), "job.toml:5:2");
  EXPECT_EQ(location_text(root.find("failover")->location()), "job.toml:5:1");
  EXPECT_EQ(location_text(root.find("failover")->find("max_restarts")->location()), "job.toml:6:16");

  EXPECT_EQ(location_text(root.find_member("roles")->key_location), "job.toml:8:3");
  const Value& role = root.find("roles")->items().at(0);
  EXPECT_EQ(location_text(role.location()), "job.toml:8:1");
  EXPECT_EQ(location_text(role.find("entrypoint")->location()), "job.toml:10:14");
  EXPECT_EQ(location_text(role.find("entrypoint")->items()[1].location()), "job.toml:10:26");
  EXPECT_EQ(location_text(role.find_member("replicas")->key_location), "job.toml:11:1");
  EXPECT_EQ(location_text(role.find("replicas")->location()), "job.toml:11:12");
  EXPECT_EQ(location_text(role.find("resources")->find("memory")->location()), "job.toml:12:33");
}

TEST(TomlSpec, SyntaxErrorIsLocated) {
  const Diagnostics errors = parse_failure("name = \"x\"\nreplicas = = 2\n", SpecFormat::kToml, "job.toml");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(location_text(errors[0].location), "job.toml:2:12");
  EXPECT_EQ(errors[0].message, "error while parsing value: could not determine value type");
}

TEST(TomlSpec, DatesAreRejectedWithAHint) {
  const Diagnostics errors =
      parse_failure("name = \"x\"\n[labels]\nwhen = 1979-05-27\n", SpecFormat::kToml, "job.toml");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "labels.when");
  EXPECT_EQ(location_text(errors[0].location), "job.toml:3:8");
  EXPECT_EQ(errors[0].hint, "quote the value to make it a string");
}

// ---- JSON -------------------------------------------------------------------------------------------------

constexpr std::string_view kJsonJob =
    "{\n"                                                                                     // 1
    "  \"name\": \"héllo\", \"after\": 1,\n"                                                  // 2
    "  \"node_num\": 2, \"ratio\": 2.5,\n"                                                    // 3
    "  \"roles\": [\n"                                                                        // 4
    "    {\"name\": \"trainer\", \"entrypoint\": \"echo \\\"hi\\\"\", \"driver\": true, \"x\": null}\n"  // 5
    "  ]\n"                                                                                   // 6
    "}\n";                                                                                    // 7

TEST(JsonSpec, IntegersStayIntegersAndFloatsFloats) {
  const Value root = parse_ok(kJsonJob, SpecFormat::kJson, "job.json");
  EXPECT_TRUE(root.find("node_num")->is_integer());
  EXPECT_EQ(root.find("node_num")->as_integer(), 2);
  EXPECT_TRUE(root.find("ratio")->is_float());
  EXPECT_EQ(root.find("ratio")->as_number(), 2.5);
  const Value& role = root.find("roles")->items().at(0);
  EXPECT_EQ(role.find("entrypoint")->as_string(), "echo \"hi\"");
  EXPECT_TRUE(role.find("driver")->as_bool());
  EXPECT_TRUE(role.find("x")->is_null());
  EXPECT_EQ(keys_of(root), (std::vector<std::string>{"name", "after", "node_num", "ratio", "roles"}));
}

TEST(JsonSpec, ValuesAndKeysAreLocatedExactly) {
  const Value root = parse_ok(kJsonJob, SpecFormat::kJson, "job.json");
  EXPECT_EQ(location_text(root.location()), "job.json:1:1");
  EXPECT_EQ(location_text(root.find_member("name")->key_location), "job.json:2:3");
  EXPECT_EQ(location_text(root.find("name")->location()), "job.json:2:11");
  // "é" is two bytes and one column, as in toml++.
  EXPECT_EQ(location_text(root.find_member("after")->key_location), "job.json:2:20");
  EXPECT_EQ(location_text(root.find("after")->location()), "job.json:2:29");
  EXPECT_EQ(location_text(root.find("node_num")->location()), "job.json:3:15");
  EXPECT_EQ(location_text(root.find("ratio")->location()), "job.json:3:27");
  EXPECT_EQ(location_text(root.find("roles")->location()), "job.json:4:12");

  const Value& role = root.find("roles")->items().at(0);
  EXPECT_EQ(location_text(role.location()), "job.json:5:5");
  EXPECT_EQ(location_text(role.find_member("name")->key_location), "job.json:5:6");
  EXPECT_EQ(location_text(role.find("name")->location()), "job.json:5:14");
  EXPECT_EQ(location_text(role.find("entrypoint")->location()), "job.json:5:39");
  // Escaped quotes inside the string do not confuse where the next tokens start.
  EXPECT_EQ(location_text(role.find("driver")->location()), "job.json:5:64");
  EXPECT_EQ(location_text(role.find_member("x")->key_location), "job.json:5:70");
  EXPECT_EQ(location_text(role.find("x")->location()), "job.json:5:75");
}

TEST(JsonSpec, SyntaxErrorIsLocatedWithRapidJsonsMessage) {
  const Diagnostics errors = parse_failure("{\n  \"a\": 1\n  \"b\": 2\n}\n", SpecFormat::kJson, "job.json");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(location_text(errors[0].location), "job.json:3:3");
  EXPECT_EQ(errors[0].message, "missing a comma or '}' after an object member");
}

TEST(JsonSpec, EmptyDocumentIsAnError) {
  const Diagnostics errors = parse_failure("", SpecFormat::kJson, "job.json");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(location_text(errors[0].location), "job.json:1:1");
  EXPECT_EQ(errors[0].message, "the document is empty");
}

TEST(JsonSpec, DuplicateKeysAreAllReportedWhereTheyRepeat) {
  const Diagnostics errors = parse_failure(
      "{\"a\": 1,\n \"a\": 2, \"roles\": [{\"name\": \"x\",\n  \"name\": \"y\"}]}", SpecFormat::kJson, "job.json");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(location_text(errors[0].location), "job.json:2:2");
  EXPECT_EQ(errors[0].path, "a");
  EXPECT_EQ(errors[0].message, "duplicate key 'a' (first at line 1, column 2)");
  EXPECT_EQ(location_text(errors[1].location), "job.json:3:3");
  EXPECT_EQ(errors[1].path, "roles[0].name");
}

TEST(JsonSpec, TopLevelMustBeAnObject) {
  const Diagnostics errors = parse_failure("\n  [1, 2]", SpecFormat::kJson, "job.json");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(location_text(errors[0].location), "job.json:2:3");
  EXPECT_EQ(errors[0].message, "a job spec must be a JSON object, got array");
}

TEST(JsonSpec, IntegersBeyondSigned64BitsAreErrors) {
  const Diagnostics errors =
      parse_failure("{\"ok\": 9223372036854775807, \"n\": 9223372036854775808}", SpecFormat::kJson, "job.json");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "n");
  EXPECT_EQ(location_text(errors[0].location), "job.json:1:34");
}

// ---- Files ------------------------------------------------------------------------------------------------

TEST(SpecFormatFor, JsonOnlyForJsonFiles) {
  EXPECT_EQ(spec_format_for("job.json"), SpecFormat::kJson);
  EXPECT_EQ(spec_format_for("dir/JOB.JSON"), SpecFormat::kJson);
  EXPECT_EQ(spec_format_for("job.toml"), SpecFormat::kToml);
  EXPECT_EQ(spec_format_for("job"), SpecFormat::kToml);
  EXPECT_EQ(spec_format_for("json"), SpecFormat::kToml);
}

TEST(LoadSpecFile, LocationsNameThePathAsGiven) {
  const test::TempDir dir;
  const std::string toml = dir.write("job.toml", "name = \"a\"\n");
  const std::string json = dir.write("job.json", "{\"name\": \"a\"}");
  const auto from_toml = load_spec_file(toml);
  ASSERT_TRUE(from_toml.has_value());
  EXPECT_EQ(location_text(from_toml->find("name")->location()), toml + ":1:8");
  const auto from_json = load_spec_file(json);
  ASSERT_TRUE(from_json.has_value());
  EXPECT_EQ(location_text(from_json->find("name")->location()), json + ":1:10");
}

TEST(LoadSpecFile, MissingFileIsUnreadableWithTheReason) {
  const test::TempDir dir;
  const std::string path = dir.path() + "/absent.toml";
  const auto loaded = load_spec_file(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kUnreadable);
  ASSERT_EQ(loaded.error().diagnostics.size(), 1u);
  EXPECT_EQ(loaded.error().diagnostics[0].message,
            "cannot read '" + path + "': No such file or directory");
}

TEST(LoadSpecFile, DirectoryIsUnreadable) {
  const test::TempDir dir;
  const auto loaded = load_spec_file(dir.path());
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kUnreadable);
  EXPECT_EQ(loaded.error().diagnostics.at(0).message,
            "cannot read '" + dir.path() + "': not a regular file (a directory)");
}

TEST(LoadSpecFile, SyntaxErrorInAFileIsSyntaxNotUnreadable) {
  const test::TempDir dir;
  const std::string path = dir.write("bad.json", "{\"a\": }");
  const auto loaded = load_spec_file(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(location_text(loaded.error().diagnostics.at(0).location), path + ":1:7");
}

}  // namespace
}  // namespace dlaunch
