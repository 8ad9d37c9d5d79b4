// What a job spec file may cost: only regular files, at most 16 MiB, nesting at most 256 levels in either
// format, and no recursion a file can drive into the stack. Time is linear too; scripts/bench.sh measures
// that (speed is measured in benchmarks, not timed tests), these check the answers.
#include <dlaunch/core/spec_loader.hpp>

#include "support/process.hpp"
#include "unit/location_text.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

namespace dlaunch {
namespace {

using test::location_text;

std::string repeated(std::string_view piece, std::size_t times) {
  std::string text;
  text.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) text += piece;
  return text;
}

// The dotted key "a.a.a" of `segments` segments.
std::string dotted(std::size_t segments) {
  std::string key = "a";
  for (std::size_t i = 1; i < segments; ++i) key += ".a";
  return key;
}

Diagnostic only_error(std::string_view text, SpecFormat format) {
  auto parsed = parse_spec(text, format, "job");
  if (parsed) {
    ADD_FAILURE() << "parsing succeeded, expected an error";
    return {};
  }
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.error().diagnostics.size(), 1u);
  return parsed.error().diagnostics.at(0);
}

void expect_parses(std::string_view text, SpecFormat format) {
  auto parsed = parse_spec(text, format, "job");
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : format_diagnostic(parsed.error().diagnostics.at(0)));
}

// ---- Nesting ----------------------------------------------------------------------------------------------

TEST(SpecNesting, DeepJsonIsALocatedErrorNotACrash) {
  // 200,000 '[' used to overflow the stack in RapidJSON's recursive parser (SIGSEGV).
  const Diagnostic error = only_error("{\"a\": " + repeated("[", 200000), SpecFormat::kJson);
  EXPECT_EQ(error.message, "arrays and objects nested deeper than 256 levels");
  // The object is level 1, so the 256th '[' (column 7 + 255) is the 257th level.
  EXPECT_EQ(location_text(error.location), "job:1:262");
}

TEST(SpecNesting, JsonAtTheLimitParses) {
  expect_parses("{\"a\": " + repeated("[", 255) + repeated("]", 255) + "}", SpecFormat::kJson);
  only_error("{\"a\": " + repeated("[", 256) + repeated("]", 256) + "}", SpecFormat::kJson);
  expect_parses(repeated("{\"a\": ", 256) + "1" + repeated("}", 256), SpecFormat::kJson);
}

TEST(SpecNesting, DeepTomlArraysAndInlineTablesAreLocatedErrors) {
  Diagnostic error = only_error("name = \"x\"\na = " + repeated("[", 200000), SpecFormat::kToml);
  EXPECT_EQ(error.message, "arrays and tables nested deeper than 256 levels");
  EXPECT_EQ(location_text(error.location), "job:2:260");
  error = only_error("a = " + repeated("{b = ", 300) + "1" + repeated("}", 300), SpecFormat::kToml);
  EXPECT_EQ(error.message, "arrays and tables nested deeper than 256 levels");
}

TEST(SpecNesting, DeepDottedKeysAndHeadersAreLocatedErrors) {
  // toml++ does not limit these, and walks the tables they create recursively: a few MB of them crashed.
  const std::pair<std::string, std::string> cases[] = {
      {"[" + dotted(2000000) + "]\n", "job:1:1"},
      {"x = 1\n" + dotted(2000000) + " = 1\n", "job:2:1"},
      {"[" + dotted(200) + "]\n" + dotted(57) + " = 1\n", "job:2:1"},
      {"a = [{" + dotted(300) + " = 1}]\n", "job:1:7"},
  };
  for (const auto& [text, where] : cases) {
    const Diagnostic error = only_error(text, SpecFormat::kToml);
    EXPECT_EQ(error.message, "arrays and tables nested deeper than 256 levels");
    EXPECT_EQ(location_text(error.location), where);
  }
}

TEST(SpecNesting, TomlAtTheLimitParses) {
  expect_parses("[" + dotted(256) + "]\n", SpecFormat::kToml);
  expect_parses("[" + dotted(200) + "]\n" + dotted(56) + " = 1\n", SpecFormat::kToml);
  expect_parses("[[" + dotted(255) + "]]\n" + "b = 1\n", SpecFormat::kToml);
}

TEST(SpecNesting, DotsAndBracketsInStringsAndCommentsDoNotCount) {
  const std::string dots = repeated(".[{", 400);
  expect_parses("\"" + dots + "\" = \"" + dots + "\"\n"     // quoted key, basic string
                "b = '" + dots + "' # " + dots + "\n"       // literal string, comment
                "c = \"\"\"\n" + dots + "\n\\\"\"\"\"\"\n"  // multi-line basic, ending in quotes
                "d = '''\n" + dots + "\n'''\n"              // multi-line literal
                "e = [\n  1.5, # " + dots + "\n  2.5,\n]\n"
                "[t]\n'" + dots + "'.x = 1\n",
                SpecFormat::kToml);
}

// ---- Found by fuzzing (tests/fuzz) -------------------------------------------------------------------------

TEST(SpecFuzzFindings, NonAsciiLettersWhereTomlExpectsASpaceAreSyntaxErrors) {
  // toml++ 3.3.0 treats these code points as unreachable when it checks for whitespace (undefined
  // behaviour, tests/fuzz/ubsan-ignorelist.txt); what it must answer is a located syntax error.
  const std::pair<std::string, std::string> cases[] = {
      {"name = \u00cc\n", "job:1:8"},          // Ì where a value starts
      {"\u0416name = 1\n", "job:1:1"},         // Ж where a key starts
      {"name = \"a\" \u00a1\n", "job:1:12"},   // ¡ after a value
      {"name = \"a\"\u3057\n", "job:1:11"},    // し after a value, without a space
      {"s=0(rone\u00cc\u0455oyas=2rni\n", "job:1:4"},  // from the --set fuzzer
  };
  for (const auto& [text, where] : cases) {
    EXPECT_EQ(location_text(only_error(text, SpecFormat::kToml).location), where) << text;
  }
  // In strings, they are just characters.
  expect_parses("name = \"\u00cc\u0416 \u3057\ufb26\"\n", SpecFormat::kToml);
}

TEST(SpecFuzzFindings, JsonZerosWithLargeExponentsAreZero) {
  // RapidJSON's full-precision number parsing read 0e90 as -6.6e270 and 0.0e100 as 6.5e302.
  const auto parsed = parse_spec(R"({"a": 0e90, "b": 0.0e100, "c": -0e30, "d": 0.000e-400, "e": 2.5e3, "f": 0.1})",
                                 SpecFormat::kJson, "job");
  ASSERT_TRUE(parsed.has_value());
  for (const char* key : {"a", "b", "c", "d"}) EXPECT_EQ(parsed->find(key)->as_number(), 0.0) << key;
  EXPECT_EQ(parsed->find("e")->as_number(), 2500.0);
  EXPECT_EQ(parsed->find("f")->as_number(), 0.1);
}

// ---- Files ------------------------------------------------------------------------------------------------

TEST(SpecFiles, ADeviceIsNotARegularFile) {
  const auto loaded = load_spec_file("/dev/null");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kUnreadable);
  EXPECT_EQ(loaded.error().diagnostics.at(0).message, "cannot read '/dev/null': not a regular file (a character device)");
}

TEST(SpecFiles, AFifoIsRefusedWithoutWaitingForAWriter) {
  // Opening a FIFO with no writer blocks, unless non-blocking; were that broken this test would hang, and
  // ctest's timeout would fail it. tests/cli has the same check with a timeout guard of its own.
  const test::TempDir dir;
  const std::string path = dir.path() + "/job.toml";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const auto loaded = load_spec_file(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kUnreadable);
  EXPECT_EQ(loaded.error().diagnostics.at(0).message, "cannot read '" + path + "': not a regular file (a FIFO)");
}

TEST(SpecFiles, AFileOver16MiBIsRefusedBeforeItIsRead) {
  const test::TempDir dir;
  const std::string path = dir.write("big.toml", "");
  // Sparse: 20 MiB that were never written, which only a read would notice.
  ASSERT_EQ(::truncate(path.c_str(), 20 * 1024 * 1024), 0);
  const auto loaded = load_spec_file(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(loaded.error().diagnostics.at(0).message,
            "'" + path + "' is 20.0 MiB, over the limit of 16.0 MiB for a job spec or configuration file");
}

TEST(SpecFiles, AFileOf16MiBIsRead) {
  const test::TempDir dir;
  const std::string path = dir.write("big.toml", "name = \"big\"\n");
  ASSERT_EQ(::truncate(path.c_str(), 16 * 1024 * 1024), 0);  // NUL bytes after the key: a TOML error
  const auto loaded = load_spec_file(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(loaded.error().diagnostics.at(0).location.line, 2u);
}

// ---- Size -------------------------------------------------------------------------------------------------

TEST(SpecSize, ManyKeysKeepTheirOrderAndDuplicatesAreStillFound) {
  // Building a table once searched every key per key; scripts/bench.sh times this case at 300,000 keys.
  constexpr int kKeys = 50000;
  std::string toml = "[env]\n";
  std::string json = "{\"env\": {";
  for (int i = kKeys; i > 0; --i) {
    toml += "K" + std::to_string(i) + " = \"v\"\n";
    json += (i == kKeys ? "\"K" : ", \"K") + std::to_string(i) + "\": \"v\"";
  }
  for (const auto& [text, format] : {std::pair{toml, SpecFormat::kToml}, std::pair{json + "}}", SpecFormat::kJson}}) {
    const auto parsed = parse_spec(text, format, "job");
    ASSERT_TRUE(parsed.has_value());
    const auto& members = parsed->find("env")->members();
    ASSERT_EQ(members.size(), static_cast<std::size_t>(kKeys));
    EXPECT_EQ(members.front().key, "K" + std::to_string(kKeys));
    EXPECT_EQ(members.back().key, "K1");
  }
  const Diagnostic duplicate = only_error(json + ", \"K7\": \"w\"}}", SpecFormat::kJson);
  EXPECT_EQ(duplicate.message, "duplicate key 'K7' (first at line 1, column " +
                                   std::to_string(json.find("\"K7\"") + 1) + ")");
}

}  // namespace
}  // namespace dlaunch
