// --set overrides: each line of the input is one KEY=VALUE, applied in order to a small job, as the command
// line applies them to a spec file.
#include <dlaunch/core/spec_loader.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kJob =
    "name = \"fuzz\"\n"
    "env = { A = \"1\" }\n"
    "[[roles]]\n"
    "name = \"trainer\"\n"
    "entrypoint = [\"python3\", \"train.py\"]\n"
    "replicas = 2\n"
    "resources = { cpu = 1, memory = \"1Gi\" }\n"
    "[[roles]]\n"
    "name = \"evaluator\"\n"
    "entrypoint = \"true\"\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const dlaunch::Value job = [] {
    auto parsed = dlaunch::parse_spec(kJob, dlaunch::SpecFormat::kToml, "job.toml");
    if (!parsed) std::abort();
    return std::move(*parsed);
  }();
  std::vector<std::string> overrides;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    overrides.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  dlaunch::Value tree = job;
  (void)dlaunch::apply_overrides(tree, overrides);
  return 0;
}
