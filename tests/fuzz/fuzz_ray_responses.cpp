// What the ray plugin reads from a Ray dashboard, a hostile or broken one: the version answer, JobDetails
// (one job, or a list of them), the state API's placement groups, a driver's log. Whatever the body, an
// sdk::Error at most, never a crash; a log's answer read as a stream.
#include "gang_wait.hpp"
#include "job_details.hpp"
#include "job_log.hpp"
#include "log_answer.hpp"
#include "server_version.hpp"

#include <dlaunch_support/json.hpp>
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

template <typename F>
void guarded(F&& read) {
  try {
    read();
  } catch (const dlaunch::sdk::Error&) {
  }
}

void read_details(const rapidjson::Value& details) {
  guarded([&] { (void)dlaunch::ray::to_job_status(details); });
  guarded([&] { (void)dlaunch::ray::runs_gang_driver(details); });
  guarded([&] { (void)dlaunch::ray::driver_job_id(details); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  guarded([&] { (void)dlaunch::ray::ServerVersion::parse(text, "http://fuzz.test:8265"); });
  guarded([&] { (void)dlaunch::ray::job_output(text, "dlaunch-fuzz"); });
  // A log's answer as it streams in, in two pieces: what it reads is what RapidJSON reads (the first "logs"
  // member of an object, a string), unless it refused a nesting deeper than its limit, or RapidJSON refused
  // a number too big for a double or took a NUL byte for the end.
  std::string log;
  dlaunch::ray::LogAnswerReader reader([&](std::string_view bytes) {
    log.append(bytes);
    return true;
  });
  const bool read = reader.read(text.substr(0, size / 2)) && reader.read(text.substr(size / 2)) && reader.finish();
  rapidjson::Document answer;
  answer.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  const bool is_answer = !answer.HasParseError() && answer.IsObject() && answer.HasMember("logs") &&
                         answer["logs"].IsString();
  const bool comparable = reader.error().find("nested deeper") == std::string::npos &&
                          answer.GetParseError() != rapidjson::kParseErrorNumberTooBig &&
                          text.find('\0') == std::string_view::npos &&
                          // RapidJSON's stream drops the bytes of a UTF-8 byte order mark at the start, each
                          // alone too (a lone 0xBB): the reader refuses them, as nothing before '{' is JSON.
                          (text.empty() || (static_cast<unsigned char>(text[0]) != 0xEF &&
                                            static_cast<unsigned char>(text[0]) != 0xBB &&
                                            static_cast<unsigned char>(text[0]) != 0xBF));
  if (comparable &&
      (read != is_answer ||
       (read && log != std::string_view(answer["logs"].GetString(), answer["logs"].GetStringLength())))) {
    __builtin_trap();
  }
  rapidjson::Document doc;
  if (!dlaunch::support::parse_json(doc, {reinterpret_cast<const char*>(data), size}).empty()) return 0;
  read_details(doc);
  if (doc.IsArray()) {
    for (const auto& element : doc.GetArray()) read_details(element);
  }
  guarded([&] { (void)dlaunch::ray::waiting_for(doc); });
  return 0;
}
