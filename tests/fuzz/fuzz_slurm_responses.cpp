// What the slurm plugin reads from slurmrestd, a hostile or broken one: the OpenAPI document's versions, an
// answer's errors, GET /job/{id}'s record and everything read from it. Whatever the body, an sdk::Error at
// most, never a crash.
#include "job_record.hpp"
#include "rest_api.hpp"

#include <dlaunch_support/json.hpp>
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>

namespace {

template <typename F>
void guarded(F&& read) {
  try {
    read();
  } catch (const dlaunch::sdk::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  rapidjson::Document doc;
  if (!dlaunch::support::parse_json(doc, {reinterpret_cast<const char*>(data), size}).empty()) return 0;
  guarded([&] { (void)dlaunch::slurm::offered_api_versions(doc); });
  guarded([&] { (void)dlaunch::slurm::error_text(doc); });
  guarded([&] {
    const rapidjson::Value& record = dlaunch::slurm::single_record(doc, "42");
    guarded([&] { (void)dlaunch::slurm::job_status(record); });
    guarded([&] { (void)dlaunch::slurm::script_started(record); });
    guarded([&] { (void)dlaunch::slurm::instance_key(record); });
    guarded([&] { (void)dlaunch::slurm::output_path(record); });
  });
  return 0;
}
