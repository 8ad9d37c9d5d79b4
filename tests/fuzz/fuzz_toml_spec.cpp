// TOML job files: any text is a Value tree or located diagnostics, never a crash, a hang or a deep recursion.
#include <dlaunch/core/spec_loader.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)dlaunch::parse_spec(text, dlaunch::SpecFormat::kToml, "fuzz.toml");
  return 0;
}
