#include <dlaunch/core/value.hpp>

#include <gtest/gtest.h>

namespace dlaunch {
namespace {

TEST(Value, ScalarsKeepTheirKindAndLocation) {
  const Value i = Value::integer(-7, SourceLocation{"job.toml", 3, 9});
  EXPECT_TRUE(i.is_integer());
  EXPECT_TRUE(i.is_number());
  EXPECT_FALSE(i.is_float());
  EXPECT_EQ(i.as_integer(), -7);
  EXPECT_EQ(i.as_number(), -7.0);
  EXPECT_EQ(i.location().line, 3u);
  EXPECT_EQ(i.location().column, 9u);

  const Value f = Value::floating(2.5);
  EXPECT_TRUE(f.is_float());
  EXPECT_TRUE(f.is_number());
  EXPECT_EQ(f.as_number(), 2.5);
  EXPECT_FALSE(f.location().known());

  EXPECT_TRUE(Value::boolean(true).as_bool());
  EXPECT_EQ(Value::string("x").as_string(), "x");
  EXPECT_TRUE(Value::null().is_null());
  EXPECT_TRUE(Value().is_null());
}

TEST(Value, TablesKeepInsertionOrderAndKeyLocations) {
  Value table = Value::table();
  table.set("zeta", Value::integer(1), SourceLocation{"f", 1, 1});
  table.set("alpha", Value::integer(2), SourceLocation{"f", 2, 1});
  ASSERT_EQ(table.members().size(), 2u);
  EXPECT_EQ(table.members()[0].key, "zeta");
  EXPECT_EQ(table.members()[1].key, "alpha");
  EXPECT_EQ(table.find_member("alpha")->key_location.line, 2u);
  EXPECT_EQ(table.find("missing"), nullptr);
}

TEST(Value, SetReplacesTheValueButKeepsTheKeyWhereItWas) {
  Value table = Value::table();
  table.set("replicas", Value::integer(2), SourceLocation{"job.toml", 5, 1});
  Value& stored = table.set("replicas", Value::integer(4), SourceLocation{"<override 1>", 1, 1});
  EXPECT_EQ(stored.as_integer(), 4);
  ASSERT_EQ(table.members().size(), 1u);
  EXPECT_EQ(table.members()[0].key_location.file.str(), "job.toml");
  EXPECT_EQ(table.find("replicas")->as_integer(), 4);
}

TEST(Value, EraseRemovesOnlyExistingKeys) {
  Value table = Value::table();
  table.set("a", Value::integer(1));
  table.set("b", Value::integer(2));
  EXPECT_TRUE(table.erase("a"));
  EXPECT_FALSE(table.erase("a"));
  ASSERT_EQ(table.members().size(), 1u);
  EXPECT_EQ(table.members()[0].key, "b");
}

TEST(Value, ArraysAppendInOrder) {
  Value array = Value::array();
  array.push_back(Value::string("python3"));
  array.push_back(Value::string("train.py"));
  ASSERT_EQ(array.items().size(), 2u);
  EXPECT_EQ(array.items()[1].as_string(), "train.py");
}

TEST(Value, KindNamesAreWordsForMessages) {
  EXPECT_STREQ(Value::integer(1).kind_name(), "integer");
  EXPECT_STREQ(Value::floating(1).kind_name(), "float");
  EXPECT_STREQ(Value::boolean(true).kind_name(), "boolean");
  EXPECT_STREQ(Value::string("").kind_name(), "string");
  EXPECT_STREQ(Value::array().kind_name(), "array");
  EXPECT_STREQ(Value::table().kind_name(), "table");
  EXPECT_STREQ(Value::null().kind_name(), "null");
}

}  // namespace
}  // namespace dlaunch
