// The user config file (~/.config/dlaunch/config.toml), read from a file as dlaunch reads it.
#include <dlaunch/core/config.hpp>

#include "memory_file.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static dlaunch::fuzz::MemoryFile file;
  dlaunch::OrchestratorSettings settings;
  (void)dlaunch::load_config(file.write(data, size), true, settings);
  return 0;
}
