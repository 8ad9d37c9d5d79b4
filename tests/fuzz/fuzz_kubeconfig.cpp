// The kubernetes plugin's kubeconfig reader on any file: an sdk::Error naming the file at most, never a crash.
// The environment is empty, so only the fuzz input is read (and what it names, relative to /proc/self/fd).
// Each input is parsed once: yaml-cpp is the slowest parser fuzzed here, and reading every input twice (once
// for each context) halved the executions a long run reaches. The input's length picks the context: the
// current one, or a named one the file may not define, and the mutator reaches both.
#include "kubeconfig.hpp"
#include "memory_file.hpp"

#include <dlaunch/plugin.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static dlaunch::fuzz::MemoryFile file;
  dlaunch::kubernetes::Environment env;
  env.get = [](const char*) { return std::optional<std::string>(); };
  env.service_account_dir = "/nonexistent";
  const std::string& path = file.write(data, size);
  const char* context = size % 2 == 0 ? "" : "other";
  try {
    (void)dlaunch::kubernetes::load_access(path, context, env);
  } catch (const dlaunch::sdk::Error&) {
  }
  return 0;
}
