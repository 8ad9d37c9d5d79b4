// Builds a two-replica job in code and runs it on the local platform: what `dlaunch run examples/hello.toml
// --follow` does, through the core's public API.
#include <dlaunch/core/builder.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <cstdio>

int main() {
  using namespace dlaunch;
  Job job = JobBuilder("hello-from-code")
                .role("worker")
                .command("echo \"hello from rank $RANK of $WORLD_SIZE\"")
                .replicas(2)
                .per_node(2)
                .resources({.cpu = 1, .gpu = 0, .memory_bytes = 64 << 20})
                .build();

  Orchestrator orchestrator;
  ValidationReport report = orchestrator.validate_job(job, "local");
  for (const auto& d : report.diagnostics) std::fprintf(stderr, "%s\n", format_diagnostic(d).c_str());
  if (report.failure) std::fprintf(stderr, "error: %s\n", report.failure->message.c_str());
  if (!report.ok()) return 1;

  auto submission = orchestrator.submit(*report.prepared);
  if (!submission) {
    std::fprintf(stderr, "error: %s\n", submission.error().message.c_str());
    return 1;
  }
  JobHandle handle{submission->platform, submission->native_id};
  auto streamed = orchestrator.logs(handle, /*follow=*/true, [](std::string_view chunk) {
    std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    return true;
  });
  auto final_status = orchestrator.wait(handle);
  if (!streamed || !final_status) return 1;
  std::printf("%s: %s\n", handle.text().c_str(), state_name(final_status->state));
  return final_status->state == JobState::kSucceeded ? 0 : 1;
}
