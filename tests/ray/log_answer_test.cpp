// Reading a Ray job's log as a stream: the answer {"logs": "..."} decoded as it arrives (LogAnswerReader,
// checked against RapidJSON's reading of the same answers), the job's output cut from the log in pieces
// (JobOutput, checked against the whole log at once), and a log larger than the HTTP client's body cap
// read whole from a stand-in server, in bounded pieces.
#include "job_log.hpp"
#include "log_answer.hpp"
#include "support/one_answer_server.hpp"
#include "ray_client.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch::ray {
namespace {

using test::OneAnswerServer;

struct Read {
  bool ok = false;
  std::string log;
  std::string error;
};

// Reads `answer` handed over in pieces of `piece` bytes.
Read read_in_pieces(std::string_view answer, size_t piece) {
  Read result;
  LogAnswerReader reader([&](std::string_view bytes) {
    result.log.append(bytes);
    return true;
  });
  bool ok = true;
  for (size_t at = 0; ok && at < answer.size(); at += piece) ok = reader.read(answer.substr(at, piece));
  result.ok = ok && reader.finish();
  result.error = reader.error();
  return result;
}

// What RapidJSON makes of it: the first "logs" member of an object, when it is a string.
std::optional<std::string> rapidjson_log(std::string_view answer) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(answer.data(), answer.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto logs = doc.FindMember("logs");
  if (logs == doc.MemberEnd() || !logs->value.IsString()) return std::nullopt;
  return std::string(logs->value.GetString(), logs->value.GetStringLength());
}

TEST(RayLogAnswer, ReadsWhatRapidJsonReadsInPiecesOfAnySize) {
  const std::vector<std::string> answers = {
      R"({"logs": "hello\nworld\n"})",
      R"({"logs": ""})",
      R"( { "other" : [1, -2.5e+3, {"logs": "not this"}, true, false, null], "logs" : "a\"b\\c\/d\b\f\n\r\t" } )",
      R"({"logs": "\u00e9\u4e2d\ud83d\ude00 \uDC00"})",  // é, 中, 😀, and a lone low surrogate (RapidJSON keeps it)
      R"({"logs": "first", "logs": "second"})",         // the first, as Document::FindMember
      R"({"nested": {"a": {"b": [[[]]]}}, "n": 0, "m": -0.0e0, "logs": "x"})",
      "{\"logs\": \"raw bytes \xc3\xa9 are kept\"}",
      // Not answers: RapidJSON refuses them, or they hold no "logs" string.
      R"({"logs": 12})", R"({"log": "x"})", R"(["logs", "x"])", R"("logs")", R"({"logs": "x")", R"({"logs": "x"} x)",
      R"({"logs": "\x"})", R"({"logs": "\ud83d"})", R"({"logs": "\ud83d\u0041"})", R"({"logs": "\u12"})",
      "{\"logs\": \"a\nb\"}", R"({"logs": "x", "n": 01})", R"({"logs": "x", "n": 1.})", R"({"logs": "x", "n": -})",
      R"({"logs": "x", "n": 1e})", R"({"logs": "x", "t": tru})", R"({"logs": "x",})", R"({"logs" "x"})",
      R"({"logs": "x", "a": [1,]})", R"({, "logs": "x"})", R"({"logs": "x"}})", "", "   ",
  };
  for (const std::string& answer : answers) {
    const std::optional<std::string> expected = rapidjson_log(answer);
    for (size_t piece : {answer.size() + 1, size_t{1}, size_t{2}, size_t{7}}) {
      const Read read = read_in_pieces(answer, std::max<size_t>(piece, 1));
      EXPECT_EQ(read.ok, expected.has_value()) << answer << " in pieces of " << piece << ": " << read.error;
      if (read.ok && expected) {
        EXPECT_EQ(read.log, *expected) << answer << " in pieces of " << piece;
      }
      if (!read.ok) {
        EXPECT_FALSE(read.error.empty()) << answer;
      }
    }
  }
}

TEST(RayLogAnswer, NestingIsLimitedWithAnErrorNotAStack) {
  const std::string deep = "{\"a\": " + std::string(100000, '[');
  const Read read = read_in_pieces(deep, 4096);
  EXPECT_FALSE(read.ok);
  EXPECT_NE(read.error.find("nested deeper than 512 levels"), std::string::npos) << read.error;
}

TEST(RayLogAnswer, NestingUpToTheSdksLimitIsReadAsEveryOtherJsonReaderReadsIt) {
  // The object itself is the first level.
  const std::size_t arrays = sdk::kMaxJsonNesting - 1;
  const std::string nested = std::string(arrays, '[') + std::string(arrays, ']');
  const Read read = read_in_pieces("{\"a\": " + nested + ", \"logs\": \"x\"}", 4096);
  EXPECT_TRUE(read.ok) << read.error;
  EXPECT_EQ(read.log, "x");
  EXPECT_FALSE(read_in_pieces("{\"a\": [" + nested + "], \"logs\": \"x\"}", 4096).ok);
}

TEST(RayLogAnswer, TheReaderStopsWhenTheLogsReaderHasHadEnough) {
  LogAnswerReader reader([](std::string_view) { return false; });
  EXPECT_FALSE(reader.read(R"({"logs": "some log"})"));
  EXPECT_TRUE(reader.stopped());
  EXPECT_TRUE(reader.error().empty()) << reader.error();
}

const std::string kInfo = "2026-12-01 18:06:18,997\tINFO job_manager.py:581 -- Runtime env is setting up.\n";
const std::string kRunning = "Running entrypoint for job dlaunch-a: exec python3 -m dlaunch_ray_driver\n";

TEST(RayJobOutput, InPiecesItIsWhatTheWholeLogGives) {
  const std::vector<std::string> logs = {
      kInfo + kRunning + "[dlaunch] job a\n[w/0] hi\n",
      kInfo + kInfo + "only-this\n" + kRunning + "and this\n",
      kInfo + "ERROR: No matching distribution found for nosuchpackage\n",
      "no newline yet",
      "a line, then Ray's in the middle of one: tick 1" + kRunning + "tick 2\n",
      kInfo + "2026 is a year, not one of Ray's lines\n" + kRunning,
  };
  for (const std::string& log : logs) {
    for (size_t piece : {size_t{1}, size_t{3}, size_t{16}, log.size()}) {
      std::string shown;
      JobOutput output("dlaunch-a", [&](std::string_view text) {
        shown.append(text);
        return true;
      });
      const std::string whole = job_output(log, "dlaunch-a");
      for (size_t at = 0; at < log.size(); at += piece) {
        ASSERT_TRUE(output.write(std::string_view(log).substr(at, piece)));
        ASSERT_TRUE(output.flush());
        // What went out is never taken back: it is the start of what the whole log gives.
        ASSERT_TRUE(whole.starts_with(shown)) << "'" << shown << "' of " << log;
      }
      EXPECT_EQ(shown, whole) << log << " in pieces of " << piece;
    }
  }
  EXPECT_EQ(job_output("a line, then Ray's in the middle of one: tick 1" + kRunning + "tick 2\n", "dlaunch-a"),
            "a line, then Ray's in the middle of one: tick 1tick 2\n");
}

TEST(RayJobOutput, TheEndOfAFinishedLogGoesOutEvenWhenItCouldStillBecomeRays) {
  std::string shown;
  JobOutput output("dlaunch-a", [&](std::string_view text) {
    shown.append(text);
    return true;
  });
  output.write("last words: Running entry");
  output.flush();
  EXPECT_EQ(shown, "last words: ");
  output.finish();
  EXPECT_EQ(shown, "last words: Running entry");
}

TEST(RayJobOutput, ALongLineWithoutItsEndIsNotHeldWhole) {
  size_t largest = 0, total = 0;
  JobOutput output("dlaunch-a", [&](std::string_view text) {
    largest = std::max(largest, text.size());
    total += text.size();
    return true;
  });
  const std::string piece(4096, '7');  // a digit: at the top of a log, the start of one of Ray's lines
  for (int i = 0; i < 1024; ++i) ASSERT_TRUE(output.write(piece));
  EXPECT_GE(total, 1024u * 4096u - 2 * JobOutput::kMaxHeld);
  EXPECT_LE(largest, 2 * JobOutput::kMaxHeld + piece.size());
}

// A log over the client's body cap (64 MiB), with escapes and multi-byte characters, read whole from a
// stand-in dashboard: the bytes handed on are exactly the log's, in pieces no larger than the reader's.
TEST(RayLogAnswer, ALogLargerThanTheBodyCapIsReadWholeInPieces) {
  // Escaped as Ray's dashboard escapes it (Python's json.dumps: non-ASCII as \u escapes, 😀 as a pair).
  std::string log, escaped;
  for (int i = 0; log.size() <= 65 * 1024 * 1024; ++i) {
    log += "step " + std::to_string(i) + "\tloss=\"0.25\" path=C:\\tmp \u00e9 \u4e2d \U0001F600\n";
    escaped += "step " + std::to_string(i) + R"(\tloss=\"0.25\" path=C:\\tmp \u00e9 \u4e2d \ud83d\ude00\n)";
  }
  OneAnswerServer server("{\"logs\": \"" + escaped + "\"}");
  escaped = std::string();
  RayOptions options;
  options.address = server.server();
  options.max_attempts = 1;
  RayClient client(resolve_endpoint(options), options, sdk::Host());
  size_t read = 0, largest = 0;
  bool same = true;
  client.logs("dlaunch-big", 0, [&](std::string_view bytes) {
    largest = std::max(largest, bytes.size());
    same = same && log.compare(read, bytes.size(), bytes) == 0;
    read += bytes.size();
    return true;
  });
  std::cout << "[big log] " << log.size() << " bytes read in pieces of at most " << largest << "\n";
  EXPECT_EQ(read, log.size());
  EXPECT_TRUE(same) << "the bytes read are not the log's";
  EXPECT_LE(largest, 64u * 1024u);
}

// From a byte on: what was handed on before is not handed on again.
TEST(RayLogAnswer, AReadFromAByteOnHandsOnlyWhatFollows) {
  OneAnswerServer server(R"({"logs": "first\nsecond\n"})");
  RayOptions options;
  options.address = server.server();
  options.max_attempts = 1;
  RayClient client(resolve_endpoint(options), options, sdk::Host());
  std::string read;
  client.logs("dlaunch-x", 6, [&](std::string_view bytes) {
    read.append(bytes);
    return true;
  });
  EXPECT_EQ(read, "second\n");
}

}  // namespace
}  // namespace dlaunch::ray
