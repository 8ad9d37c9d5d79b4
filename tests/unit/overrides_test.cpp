#include <dlaunch/core/spec_loader.hpp>

#include "unit/location_text.hpp"

#include <gtest/gtest.h>

namespace dlaunch {
namespace {

using test::location_text;

constexpr std::string_view kJob =
    "name = \"job\"\n"
    "[[roles]]\n"
    "name = \"trainer\"\n"
    "replicas = 2\n"
    "[[roles]]\n"
    "name = \"worker\"\n"
    "replicas = 1\n";

class Overrides : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = parse_spec(kJob, SpecFormat::kToml, "job.toml");
    ASSERT_TRUE(parsed.has_value());
    root_ = std::move(*parsed);
  }

  // Applies overrides that must all succeed.
  void apply_ok(const std::vector<std::string>& overrides) {
    const Diagnostics diagnostics = apply_overrides(root_, overrides);
    for (const Diagnostic& d : diagnostics) ADD_FAILURE() << format_diagnostic(d);
  }

  const Value& role(std::size_t index) const { return root_.find("roles")->items().at(index); }

  Value root_;
};

TEST_F(Overrides, RoleSelectedByName) {
  apply_ok({"roles.worker.replicas=4"});
  const Value& replicas = *role(1).find("replicas");
  EXPECT_TRUE(replicas.is_integer());
  EXPECT_EQ(replicas.as_integer(), 4);
  EXPECT_EQ(role(0).find("replicas")->as_integer(), 2);
  EXPECT_EQ(location_text(replicas.location()), "<override 1>:1:23");
  // The key was in the file; it stays located there.
  EXPECT_EQ(location_text(role(1).find_member("replicas")->key_location), "job.toml:7:1");
}

TEST_F(Overrides, RoleSelectedByIndex) {
  apply_ok({"roles.0.replicas=3"});
  EXPECT_EQ(role(0).find("replicas")->as_integer(), 3);
}

TEST_F(Overrides, MissingTablesAreCreatedAndPlainTextIsAString) {
  apply_ok({"name=renamed", "platform.ray.address=http://x:8265"});
  EXPECT_EQ(root_.find("name")->as_string(), "renamed");
  const Value* platform = root_.find("platform");
  ASSERT_NE(platform, nullptr);
  ASSERT_TRUE(platform->is_table());
  EXPECT_EQ(location_text(root_.find_member("platform")->key_location), "<override 2>:1:1");
  const Value& ray = *platform->find("ray");
  EXPECT_EQ(location_text(platform->find_member("ray")->key_location), "<override 2>:1:10");
  EXPECT_EQ(location_text(ray.find_member("address")->key_location), "<override 2>:1:14");
  EXPECT_EQ(ray.find("address")->as_string(), "http://x:8265");
  EXPECT_EQ(location_text(ray.find("address")->location()), "<override 2>:1:22");
}

TEST_F(Overrides, ValuesParseAsToml) {
  apply_ok({"x.f=2.5", "x.b=true", "x.s=\"4\"", "x.a=[1, 2]", "x.t={k = \"v\"}", "x.e="});
  const Value& x = *root_.find("x");
  EXPECT_TRUE(x.find("f")->is_float());
  EXPECT_TRUE(x.find("b")->as_bool());
  EXPECT_TRUE(x.find("s")->is_string());
  EXPECT_EQ(x.find("s")->as_string(), "4");
  ASSERT_EQ(x.find("a")->items().size(), 2u);
  EXPECT_EQ(x.find("a")->items()[1].as_integer(), 2);
  EXPECT_EQ(location_text(x.find("a")->location()), "<override 4>:1:5");
  EXPECT_EQ(location_text(x.find("a")->items()[1].location()), "<override 4>:1:9");
  EXPECT_EQ(x.find("t")->find("k")->as_string(), "v");
  EXPECT_EQ(location_text(x.find("t")->find_member("k")->key_location), "<override 5>:1:6");
  EXPECT_TRUE(x.find("e")->is_string());
  EXPECT_EQ(x.find("e")->as_string(), "");
}

TEST_F(Overrides, SpacesAroundKeyAndValueAreIgnored) {
  apply_ok({" env.GREETING = hello world "});
  const Value& greeting = *root_.find("env")->find("GREETING");
  EXPECT_EQ(greeting.as_string(), "hello world");
  EXPECT_EQ(location_text(greeting.location()), "<override 1>:1:17");
  EXPECT_EQ(location_text(root_.find_member("env")->key_location), "<override 1>:1:2");
}

TEST_F(Overrides, WholeRoleCanBeReplaced) {
  apply_ok({"roles.trainer={name = \"trainer\", replicas = 8}"});
  EXPECT_EQ(role(0).find("replicas")->as_integer(), 8);
}

TEST_F(Overrides, MalformedOverridesAreLocatedErrors) {
  struct Case {
    std::string override_text;
    std::string where;
    std::string path;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"novalue", "<override 1>:1:1", "", "override 'novalue' is not of the form KEY=VALUE"},
      {"=4", "<override 1>:1:1", "", "override '=4' has no key before '='"},
      {"a..b=1", "<override 1>:1:3", "", "key 'a..b' has an empty part"},
      {"name.first=1", "<override 1>:1:6", "name", "cannot set 'name.first': 'name' is a string, not a table"},
      {"roles.5.replicas=1", "<override 1>:1:7", "roles", "index 5 is out of range: 'roles' has 2 elements"},
      {"roles.0.replicas.x=1", "<override 1>:1:18", "roles[0].replicas",
       "cannot set 'roles.0.replicas.x': 'roles[0].replicas' is an integer, not a table"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.override_text);
    const Diagnostics diagnostics = apply_overrides(root_, {c.override_text});
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_EQ(diagnostics[0].severity, Severity::kError);
    EXPECT_EQ(location_text(diagnostics[0].location), c.where);
    EXPECT_EQ(diagnostics[0].path, c.path);
    EXPECT_EQ(diagnostics[0].message, c.message);
  }
}

TEST_F(Overrides, UnknownRoleNameSuggestsTheClosest) {
  const Diagnostics diagnostics = apply_overrides(root_, {"roles.trainr.replicas=4"});
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].message, "'roles' has no element named 'trainr'");
  EXPECT_EQ(diagnostics[0].hint, "did you mean 'trainer'?");
  EXPECT_EQ(location_text(diagnostics[0].location), "<override 1>:1:7");
}

TEST_F(Overrides, AllProblemsAreReportedAndGoodOverridesStillApply) {
  const Diagnostics diagnostics =
      apply_overrides(root_, {"bad", "roles.trainer.replicas=5", "roles.nobody.replicas=1", "x..y=2"});
  ASSERT_EQ(diagnostics.size(), 3u);
  EXPECT_EQ(diagnostics[0].location.file.str(), "<override 1>");
  EXPECT_EQ(diagnostics[1].location.file.str(), "<override 3>");
  EXPECT_EQ(diagnostics[2].location.file.str(), "<override 4>");
  EXPECT_EQ(role(0).find("replicas")->as_integer(), 5);
}

}  // namespace
}  // namespace dlaunch
