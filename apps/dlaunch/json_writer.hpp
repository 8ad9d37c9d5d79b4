// The CLI's JSON output layer: one writer for `--output json` (pretty, on stdout) and for the answers of
// `dlaunch ui`'s /api (compact, into a string).
#ifndef APPS_JSON_WRITER_HPP_
#define APPS_JSON_WRITER_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/error.hpp>
#include <dlaunch/core/job_status.hpp>
#include <dlaunch/core/journal.hpp>

#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace dlaunch::cli {

// Fields and values over a rapidjson writer into a Stream; `w()` for what they do not cover (arrays, objects,
// null).
template <class Writer, class Stream = rapidjson::StringBuffer>
class BasicJson {
 public:
  BasicJson() = default;
  BasicJson(const BasicJson&) = delete;
  BasicJson& operator=(const BasicJson&) = delete;

  Writer& w() { return writer_; }

  void key(std::string_view k) { writer_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void string(std::string_view s) { writer_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  void field(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void field(std::string_view k, const std::string& v) { field(k, std::string_view(v)); }
  // Else a const char* would be taken for a bool.
  void field(std::string_view k, const char* v) { field(k, std::string_view(v)); }
  void field(std::string_view k, int64_t v) {
    key(k);
    writer_.Int64(v);
  }
  void field(std::string_view k, bool v) {
    key(k);
    writer_.Bool(v);
  }
  void field(std::string_view k, std::optional<int32_t> v) {
    key(k);
    if (v) {
      writer_.Int(*v);
    } else {
      writer_.Null();
    }
  }

  std::string text() const { return buffer_.GetString(); }

 protected:
  Stream buffer_;
  Writer writer_{buffer_};
};

// Compact JSON into a string: `dlaunch ui`'s answers.
using CompactJson = BasicJson<rapidjson::Writer<rapidjson::StringBuffer>>;

// Stable machine-readable output (--output json): pretty JSON, printed on stdout when it goes out of scope.
class JsonOut : public BasicJson<rapidjson::PrettyWriter<rapidjson::StringBuffer>> {
 public:
  JsonOut() { writer_.SetIndent(' ', 2); }
  ~JsonOut() { std::printf("%s\n", buffer_.GetString()); }

  void diagnostics(const Diagnostics& list);
  // One object: the job's status, with its handle PLATFORM:NATIVE_ID and platform.
  void status(const JobStatus& s, const std::string& platform);
  // The member "error": {"code", "exit_code", "message"}, inside an object the caller opened.
  void error(const Error& failure);
};

// Stdout as a rapidjson stream, through a buffer of its own.
struct StdoutBuffer {
  char bytes[64 * 1024];
};
class StdoutStream : private StdoutBuffer, public rapidjson::FileWriteStream {
 public:
  StdoutStream() : rapidjson::FileWriteStream(stdout, bytes, sizeof bytes) {}
};

// The same pretty JSON as JsonOut, written to stdout as it goes rather than held until the end: for listings,
// which may be of any length (`dlaunch list --limit 0 -o json` over a journal of 100,000 jobs).
class JsonStreamOut : public BasicJson<rapidjson::PrettyWriter<StdoutStream>, StdoutStream> {
 public:
  JsonStreamOut() { writer_.SetIndent(' ', 2); }
  ~JsonStreamOut() {
    buffer_.Flush();
    std::printf("\n");
  }
};

// What the journal says of a job (handle, submission_id, platform, name, journal_state, created_ms, and its
// sweep when it is in one), inside an object the caller opened: `dlaunch list -o json` and the ui's
// /api/jobs write the same fields.
template <class Writer, class Stream>
void journal_entry_fields(BasicJson<Writer, Stream>& json, const JournalEntry& entry);

}  // namespace dlaunch::cli

#endif  // APPS_JSON_WRITER_HPP_
