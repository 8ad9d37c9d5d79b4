// The SDK's job document reader, which every C++ plugin runs on what the host hands it: a malformed document
// is an sdk::Error, never a crash.
#include <dlaunch/job_document.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)dlaunch::sdk::parse_job(text);
  } catch (const dlaunch::sdk::Error&) {
  }
  try {
    (void)dlaunch::sdk::Options::parse(text);
  } catch (const dlaunch::sdk::Error&) {
  }
  return 0;
}
