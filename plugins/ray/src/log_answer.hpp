// Ray's answer to GET /api/jobs/<id>/logs, {"logs": "<the whole log>"}, read as it arrives: the decoded
// bytes of the "logs" string are handed on as they come, so no log is ever held whole and no body cap
// applies to one. RapidJSON's Reader (SAX) cannot do that: its String() event carries the whole string,
// decoded into the reader's own stack (and its length is 32-bit). This is a push parser of the whole JSON
// grammar, strict like RapidJSON's: the answer must be one object, "logs" the first such member of it
// (like Document::operator[]) and a string; nesting is limited (kMaxDepth), and memory stays bounded whatever
// the answer holds.
#ifndef DLAUNCH_RAY_LOG_ANSWER_HPP_
#define DLAUNCH_RAY_LOG_ANSWER_HPP_

#include <dlaunch/json_nesting.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace dlaunch::ray {

class LogAnswerReader {
 public:
  static constexpr size_t kMaxDepth = sdk::kMaxJsonNesting;  // as every other reader of outside JSON

  // `on_log` gets the log's bytes in order, in pieces; returning false stops the reading.
  explicit LogAnswerReader(std::function<bool(std::string_view)> on_log);

  // The next bytes of the answer. False when it cannot be such an answer (error() says why) or when on_log
  // wanted no more.
  bool read(std::string_view data);
  // After the last byte: true when the answer was whole and held the "logs" string, else error() says why.
  bool finish();

  const std::string& error() const { return error_; }
  bool stopped() const { return stopped_; }  // on_log wanted no more
  uint64_t log_bytes() const { return log_bytes_; }  // handed to on_log so far

 private:
  enum class Expect : uint8_t { kValue, kFirstKeyOrEnd, kKey, kColon, kCommaOrEnd, kFirstValueOrEnd, kNothing };
  enum class Token : uint8_t { kNone, kString, kNumber, kLiteral };

  bool fail(std::string message);
  bool start_value(char c);
  bool end_value();
  bool string_byte(std::string_view data, size_t& i);
  bool number_byte(char c, bool& consumed);
  bool literal_byte(char c);
  bool put(std::string_view bytes);
  bool put_code_point(uint32_t code_point);
  bool flush();

  std::function<bool(std::string_view)> on_log_;
  std::string error_;
  bool stopped_ = false;
  uint64_t offset_ = 0;     // of the answer, for errors
  uint64_t log_bytes_ = 0;  // handed on

  Expect expect_ = Expect::kValue;
  std::string stack_;  // '{' and '[' of the open containers
  Token token_ = Token::kNone;
  // A string: where it goes, and its escape in progress.
  bool is_key_ = false;
  bool in_logs_ = false;     // the string is the log
  bool logs_seen_ = false;   // the log was read (a later "logs" member is ignored, as Document::operator[] does)
  bool key_is_logs_ = false;  // the last key of the answer's own object was "logs"
  std::string key_;          // the key so far, kept while it may still be "logs"
  int escape_ = 0;           // 0 none, 1 after '\', 2..5 reading the \u digits
  uint32_t unit_ = 0;        // the \u digits so far
  uint32_t high_surrogate_ = 0;  // waiting for its low half
  // A number: the part of the grammar reached. A literal: which one, and how much of it was read.
  int number_state_ = 0;
  std::string_view literal_;
  size_t literal_at_ = 0;
  std::string pending_;  // log bytes not yet handed on
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_LOG_ANSWER_HPP_
