// The struct-size crossing test with dlaunch's own host (core/src/plugins/platform.cpp) on one side: it loads a
// crossing plugin (crossing_plugin.c) built against today's header or the test header of the next minor
// (TEST_NEXT_MINOR), and the plugin must see exactly the 1.0 fields of dlaunch_logs_args, the only ones the
// host sets. Were the host to fill its struct_size with sizeof (32 bytes, not 25), a next-minor plugin would
// believe that minor's field sits in the padding, and this test fails.
//
//   crossing_core_host PLUGIN_DIR    exit 0 when the plugin saw what the host sends, else 1
#include <dlaunch/core/platform.hpp>
#include <dlaunch/core/plugin_catalog.hpp>
#include <dlaunch/plugin.h>  // the ABI the core was built with: what it must send

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: crossing_core_host PLUGIN_DIR\n");
    return 2;
  }
  auto manifest = dlaunch::read_manifest(std::filesystem::path(argv[1]) / dlaunch::kManifestFileName);
  if (!manifest) {
    std::fprintf(stderr, "%s\n", manifest.error().c_str());
    return 1;
  }
  auto platform = dlaunch::Platform::load(*manifest);
  if (!platform) {
    std::fprintf(stderr, "%s\n", platform.error().message.c_str());
    return 1;
  }
  std::string seen;
  auto streamed = (*platform)->logs("job", "{}", true, [&seen](std::string_view chunk) {
    seen.append(chunk);
    return true;
  });
  if (!streamed) {
    std::fprintf(stderr, "%s\n", streamed.error().message.c_str());
    return 1;
  }
  // The host sends ABI 1.0's dlaunch_logs_args (25 bytes on LP64), whatever the plugin's minor.
  const uint32_t plugin_minor = (*platform)->abi_minor();
  const std::string expected = "plugin 1." + std::to_string(plugin_minor) + "; host minor " +
                               std::to_string(DLAUNCH_ABI_MINOR) + "; logs_args " +
                               std::to_string(DLAUNCH_LOGS_ARGS_SIZE_1_0) + " bytes; follow=true; " +
                               (plugin_minor >= TEST_NEXT_MINOR ? "timestamps=absent" : "timestamps=unknown");
  if (seen != expected) {
    std::printf("FAIL what the plugin read of dlaunch_logs_args:\n  seen:     %s\n  expected: %s\n", seen.c_str(),
                expected.c_str());
    return 1;
  }
  std::printf("ok   what the plugin read of dlaunch_logs_args: %s\n", seen.c_str());

  // A newer record is longer; the host reads the fields it knows of it and nothing else.
  auto status = (*platform)->status("job", "{}");
  if (!status || !status->terminal()) {
    std::printf("FAIL the plugin's status record was not read as SUCCEEDED\n");
    return 1;
  }
  std::printf("ok   the host read the plugin's %s status record\n", plugin_minor >= TEST_NEXT_MINOR ? "newer" : "own");

  // ABI 1.2: the host waits on a plugin that offers wait_for_change, and polls any older one.
  if ((*platform)->waits_for_change() != (plugin_minor >= 2)) {
    std::printf("FAIL the host %s wait_for_change in a 1.%u table\n", plugin_minor >= 2 ? "missed" : "found",
                plugin_minor);
    return 1;
  }
  if ((*platform)->waits_for_change()) {
    dlaunch::JobStatus seen;
    seen.state = dlaunch::JobState::kRunning;
    seen.restarts = 3;
    auto waited = (*platform)->wait_for_change("job", "{}", seen, std::chrono::milliseconds(7));
    if (!waited) {
      std::printf("FAIL the plugin read other dlaunch_wait_args than the host sent\n");
      return 1;
    }
  }
  std::printf("ok   wait_for_change %s\n", plugin_minor >= 2 ? "offered and called" : "absent, so the host polls");
  return 0;
}
