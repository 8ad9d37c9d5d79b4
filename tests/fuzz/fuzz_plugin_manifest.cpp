// Plugin manifests (dlaunch-plugin.json), read from a file as plugin discovery reads them.
#include <dlaunch/core/plugin_catalog.hpp>

#include "memory_file.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static dlaunch::fuzz::MemoryFile file;
  (void)dlaunch::read_manifest(file.write(data, size));
  return 0;
}
