// Stable machine-readable output (--output json): pretty JSON on stdout.
#ifndef APPS_JSON_WRITER_HPP_
#define APPS_JSON_WRITER_HPP_

#include <dlaunch/core/diagnostic.hpp>
#include <dlaunch/core/error.hpp>
#include <dlaunch/core/job_status.hpp>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdio>
#include <optional>
#include <string>

namespace dlaunch::cli {

class JsonOut {
 public:
  JsonOut() : writer_(buffer_) { writer_.SetIndent(' ', 2); }
  ~JsonOut() { std::printf("%s\n", buffer_.GetString()); }
  JsonOut(const JsonOut&) = delete;
  JsonOut& operator=(const JsonOut&) = delete;

  rapidjson::PrettyWriter<rapidjson::StringBuffer>& w() { return writer_; }

  void key(const std::string& k) { writer_.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size())); }
  void string(const std::string& s) { writer_.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }
  void field(const std::string& k, const std::string& v) {
    key(k);
    string(v);
  }
  void field(const std::string& k, const char* v) { field(k, std::string(v)); }
  void field(const std::string& k, int64_t v) {
    key(k);
    writer_.Int64(v);
  }
  void field(const std::string& k, bool v) {
    key(k);
    writer_.Bool(v);
  }
  void field(const std::string& k, std::optional<int32_t> v) {
    key(k);
    if (v) {
      writer_.Int(*v);
    } else {
      writer_.Null();
    }
  }

  void diagnostics(const Diagnostics& list);
  // One object: the job's status, with its handle PLATFORM:NATIVE_ID and platform.
  void status(const JobStatus& s, const std::string& platform);
  // The member "error": {"code", "exit_code", "message"}, inside an object the caller opened.
  void error(const Error& failure);

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer_;
};

}  // namespace dlaunch::cli

#endif  // APPS_JSON_WRITER_HPP_
