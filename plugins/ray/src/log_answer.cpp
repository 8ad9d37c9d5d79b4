#include "log_answer.hpp"

namespace dlaunch::ray {
namespace {

constexpr size_t kChunk = 64 * 1024;  // log bytes gathered before they are handed on

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

LogAnswerReader::LogAnswerReader(std::function<bool(std::string_view)> on_log) : on_log_(std::move(on_log)) {}

bool LogAnswerReader::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message) + " (at byte " + std::to_string(offset_) + ")";
  return false;
}

bool LogAnswerReader::flush() {
  if (pending_.empty()) return true;
  log_bytes_ += pending_.size();
  const bool more = on_log_(pending_);
  pending_.clear();
  if (!more) stopped_ = true;
  return more;
}

// Decoded bytes of the string being read: the log's are handed on, a key's first bytes are kept.
bool LogAnswerReader::put(std::string_view bytes) {
  if (in_logs_) {
    if (pending_.size() + bytes.size() > kChunk && !flush()) return false;
    if (bytes.size() < kChunk) {
      pending_.append(bytes);
      return true;
    }
    log_bytes_ += bytes.size();
    if (!on_log_(bytes)) stopped_ = true;
    return !stopped_;
  }
  if (is_key_) key_.append(bytes.substr(0, 5 - std::min<size_t>(key_.size(), 5)));  // 5 bytes tell "logs"
  return true;
}

bool LogAnswerReader::put_code_point(uint32_t cp) {
  char utf8[4];
  size_t n = 0;
  if (cp < 0x80) {
    utf8[n++] = static_cast<char>(cp);
  } else if (cp < 0x800) {
    utf8[n++] = static_cast<char>(0xC0 | (cp >> 6));
    utf8[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    utf8[n++] = static_cast<char>(0xE0 | (cp >> 12));
    utf8[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    utf8[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    utf8[n++] = static_cast<char>(0xF0 | (cp >> 18));
    utf8[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    utf8[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    utf8[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return put(std::string_view(utf8, n));
}

bool LogAnswerReader::end_value() {
  token_ = Token::kNone;
  expect_ = stack_.empty() ? Expect::kNothing : Expect::kCommaOrEnd;
  return true;
}

bool LogAnswerReader::start_value(char c) {
  if (stack_.empty() && c != '{') return fail("the answer is not a JSON object");
  const bool is_log = stack_.size() == 1 && key_is_logs_ && !logs_seen_;
  if (is_log) {
    if (c != '"') return fail("\"logs\" is not a string");
    logs_seen_ = true;
  }
  switch (c) {
    case '"':
      token_ = Token::kString;
      is_key_ = false;
      in_logs_ = is_log;
      return true;
    case '{':
    case '[':
      if (stack_.size() >= kMaxDepth) return fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
      stack_.push_back(c);
      expect_ = c == '{' ? Expect::kFirstKeyOrEnd : Expect::kFirstValueOrEnd;
      return true;
    case 't':
      literal_ = "true";
      break;
    case 'f':
      literal_ = "false";
      break;
    case 'n':
      literal_ = "null";
      break;
    default:
      if (c != '-' && !is_digit(c)) return fail(std::string("unexpected '") + c + "'");
      token_ = Token::kNumber;
      number_state_ = c == '-' ? 0 : c == '0' ? 1 : 2;
      return true;
  }
  token_ = Token::kLiteral;
  literal_at_ = 1;
  return true;
}

// One step of JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. States: 0 after '-',
// 1 after a leading 0, 2 in the integer's digits, 3 after '.', 4 in the fraction, 5 after 'e', 6 after its
// sign, 7 in the exponent. A byte that cannot continue the number ends it (consumed stays false), if it may
// end there.
bool LogAnswerReader::number_byte(char c, bool& consumed) {
  consumed = true;
  const bool digit = is_digit(c);
  switch (number_state_) {
    case 0:
      if (digit) return number_state_ = c == '0' ? 1 : 2, true;
      return fail("a '-' without digits");
    case 1:
    case 2:
      if (digit && number_state_ == 2) return true;
      if (c == '.') return number_state_ = 3, true;
      if (c == 'e' || c == 'E') return number_state_ = 5, true;
      break;
    case 3:
    case 4:
      if (digit) return number_state_ = 4, true;
      if (number_state_ == 3) return fail("a '.' without digits after it");
      if (c == 'e' || c == 'E') return number_state_ = 5, true;
      break;
    case 5:
    case 6:
      if (digit) return number_state_ = 7, true;
      if (number_state_ == 5 && (c == '+' || c == '-')) return number_state_ = 6, true;
      return fail("an exponent without digits");
    default:
      if (digit) return true;
      break;
  }
  consumed = false;
  return end_value();
}

bool LogAnswerReader::literal_byte(char c) {
  if (c != literal_[literal_at_]) return fail("not a JSON literal (true, false or null)");
  if (++literal_at_ == literal_.size()) return end_value();
  return true;
}

// Reads from data[i] on as much of the string as is there, up to its closing quote.
bool LogAnswerReader::string_byte(std::string_view data, size_t& i) {
  while (i < data.size()) {
    const char c = data[i];
    if (escape_ == 0) {
      if (high_surrogate_ != 0 && c != '\\') return fail("a UTF-16 high surrogate without its low half");
      // The run of ordinary bytes, at once.
      size_t end = i;
      while (end < data.size() && data[end] != '"' && data[end] != '\\' &&
             static_cast<unsigned char>(data[end]) >= 0x20) {
        ++end;
      }
      if (end > i && !put(data.substr(i, end - i))) return false;
      i = end;
      if (i == data.size()) return true;
      const char special = data[i++];
      if (special == '\\') {
        escape_ = 1;
        continue;
      }
      if (special != '"') return fail("a control character in a string");
      token_ = Token::kNone;
      if (is_key_) {
        key_is_logs_ = stack_.size() == 1 && key_ == "logs";
        expect_ = Expect::kColon;
        return true;
      }
      in_logs_ = false;
      return end_value();
    }
    ++i;
    if (escape_ == 1) {
      if (high_surrogate_ != 0 && c != 'u') return fail("a UTF-16 high surrogate without its low half");
      static constexpr std::string_view kFrom = "\"\\/bfnrt", kTo = "\"\\/\b\f\n\r\t";
      if (c == 'u') {
        escape_ = 2;
        unit_ = 0;
        continue;
      }
      const size_t at = kFrom.find(c);
      if (at == std::string_view::npos) return fail(std::string("an unknown escape '\\") + c + "'");
      escape_ = 0;
      if (!put(kTo.substr(at, 1))) return false;
      continue;
    }
    const int value = hex_value(c);
    if (value < 0) return fail("a \\u escape without 4 hex digits");
    unit_ = unit_ * 16 + static_cast<uint32_t>(value);
    if (++escape_ < 6) continue;
    escape_ = 0;
    if (high_surrogate_ != 0) {
      if (unit_ < 0xDC00 || unit_ > 0xDFFF) return fail("a UTF-16 high surrogate without its low half");
      const uint32_t cp = 0x10000 + ((high_surrogate_ - 0xD800) << 10) + (unit_ - 0xDC00);
      high_surrogate_ = 0;
      if (!put_code_point(cp)) return false;
    } else if (unit_ >= 0xD800 && unit_ <= 0xDBFF) {
      high_surrogate_ = unit_;
    } else if (!put_code_point(unit_)) {  // a lone low surrogate too, as RapidJSON reads it
      return false;
    }
  }
  return true;
}

bool LogAnswerReader::read(std::string_view data) {
  if (!error_.empty() || stopped_) return false;
  const uint64_t base = offset_;
  for (size_t i = 0; i < data.size();) {
    offset_ = base + i;
    if (token_ == Token::kString) {
      if (!string_byte(data, i)) return false;
      continue;
    }
    const char c = data[i];
    if (token_ == Token::kNumber) {
      bool consumed = false;
      if (!number_byte(c, consumed)) return false;
      if (consumed) {
        ++i;
        continue;
      }
    } else if (token_ == Token::kLiteral) {
      if (!literal_byte(c)) return false;
      ++i;
      continue;
    }
    ++i;
    if (is_space(c)) continue;
    const char closing = stack_.empty() ? '\0' : stack_.back() == '{' ? '}' : ']';
    switch (expect_) {
      case Expect::kFirstValueOrEnd:
      case Expect::kFirstKeyOrEnd:
        if (c == closing) {
          stack_.pop_back();
          end_value();
          break;
        }
        if (expect_ == Expect::kFirstValueOrEnd) {
          if (!start_value(c)) return false;
          break;
        }
        [[fallthrough]];
      case Expect::kKey:
        if (c != '"') return fail("a key that is not a string");
        token_ = Token::kString;
        is_key_ = true;
        in_logs_ = false;
        key_.clear();
        break;
      case Expect::kColon:
        if (c != ':') return fail("no ':' after a key");
        expect_ = Expect::kValue;
        break;
      case Expect::kCommaOrEnd:
        if (c == ',') {
          expect_ = closing == '}' ? Expect::kKey : Expect::kValue;
        } else if (c == closing) {
          stack_.pop_back();
          end_value();
        } else {
          return fail(std::string("unexpected '") + c + "'");
        }
        break;
      case Expect::kValue:
        if (!start_value(c)) return false;
        break;
      case Expect::kNothing:
        return fail("more after the answer's end");
    }
  }
  offset_ = base + data.size();
  return flush();
}

bool LogAnswerReader::finish() {
  if (!error_.empty() || stopped_) return false;
  if (!flush()) return false;
  if (expect_ != Expect::kNothing) return fail("the answer ended early");
  if (!logs_seen_) return fail("the answer has no \"logs\"");
  return true;
}

}  // namespace dlaunch::ray
