#include "dry_run_text.hpp"

#include <dlaunch/secrets.hpp>

#include <map>

#include "launch_plan.hpp"
#include "local_options.hpp"
#include <dlaunch/shell.hpp>

namespace dlaunch::local {
namespace {

constexpr const char* kPortPlaceholder = "<a free port, chosen when the job starts>";

std::string summary(const sdk::Job& job, size_t processes) {
  std::string text = "local: job " + job.name + ": " + std::to_string(processes) + " process" +
                     (processes == 1 ? "" : "es") + " on this machine, each in its own process group\n";
  if (!job.description.empty()) text += "  description: " + job.description + "\n";
  const int64_t restarts = job.failover.max_restarts;
  if (restarts > 0) {
    text += "  failover: on a non-zero exit the whole job restarts, at most " + std::to_string(restarts) + " time" +
            (restarts == 1 ? "" : "s") + "\n";
  } else {
    text += "  failover: none (the first non-zero exit fails the job)\n";
  }
  text += "  stop: SIGTERM, then SIGKILL after " + std::to_string(stop_grace(job.platform).count()) + " s\n";
  text += "  environment: the one dlaunch runs in, plus each process's variables below\n";
  return text;
}

std::string replica_text(const ReplicaLaunch& launch) {
  std::string text = "\n" + launch.label() + (launch.driver ? " (driver)" : "") + "\n";
  text += "  command: " + sdk::shell_join(launch.argv) + "\n";
  text += "  working directory: " + sdk::shell_quote(launch.working_dir) + "\n";
  text += "  environment:\n";
  for (const auto& [name, value] : launch.env) {
    // The placeholder is not a value a shell would see, nor is the mask of a secret: print them as they are.
    std::string shown;
    if (value == kPortPlaceholder) {
      shown = value;
    } else if (sdk::looks_secret(name)) {
      shown = sdk::kMasked;
    } else {
      shown = sdk::shell_quote(value);
    }
    text += "    " + name + "=" + shown + "\n";
  }
  return text;
}

}  // namespace

std::string dry_run_text(const sdk::Job& job) {
  std::map<std::string, std::string> ports;
  for (const auto& role : job.roles) ports[role.name] = kPortPlaceholder;
  auto launches = plan_launches(job, ports, 0);
  std::string text = summary(job, launches.size());
  for (const auto& launch : launches) text += replica_text(launch);
  return text;
}

}  // namespace dlaunch::local
