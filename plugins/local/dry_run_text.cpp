#include "dry_run_text.hpp"

#include <dlaunch/secrets.hpp>

#include <map>

#include "launch_plan.hpp"
#include "local_options.hpp"
#include <dlaunch/shell.hpp>

namespace dlaunch::local {
namespace {

constexpr const char* kPortPlaceholder = "<a free port, chosen when the job starts>";
constexpr const char* kConfigPlaceholder = "<the job's config.json, written when the job starts>";

bool is_placeholder(const std::string& value) { return value == kPortPlaceholder || value == kConfigPlaceholder; }

std::string times(int64_t n) { return std::to_string(n) + " time" + (n == 1 ? "" : "s"); }

// The failover line(s): the whole-job form when no role departs from the job's defaults.
std::string failover_text(const sdk::Job& job) {
  const int64_t restarts = job.failover.max_restarts;
  bool per_role = job.failover.scope != "job";
  for (const auto& role : job.roles) {
    per_role = per_role || role.max_restarts != restarts || role.min_replicas != role.replicas ||
               role.launcher == "torchrun";
  }
  if (!per_role) {
    if (restarts > 0) return "  failover: on a non-zero exit the whole job restarts, at most " + times(restarts) + "\n";
    return "  failover: none (the first non-zero exit fails the job)\n";
  }
  std::string text = "  failover: scope " + job.failover.scope + ", the job restarts at most " + times(restarts) + "\n";
  for (const auto& role : job.roles) {
    text += "    " + role.name + ": ";
    text += role.launcher == "torchrun" ? "torchrun restarts its workers at most " + times(role.max_restarts)
                                        : "a failure restarts at most " + times(role.max_restarts);
    if (role.min_replicas != role.replicas) {
      text += "; goes on with " + std::to_string(role.min_replicas) + " of " + std::to_string(role.replicas) +
              " replicas";
    }
    text += "\n";
  }
  return text;
}

std::string summary(const sdk::Job& job, size_t processes) {
  std::string text = "local: job " + job.name + ": " + std::to_string(processes) + " process" +
                     (processes == 1 ? "" : "es") + " on this machine, each in its own process group\n";
  if (!job.description.empty()) text += "  description: " + job.description + "\n";
  text += failover_text(job);
  if (job.priority != "normal") {
    text += "  priority: " + job.priority + " (nice " + (job.priority == "low" ? "10" : "-5") + ")\n";
  }
  if (job.start_timeout > 0) {
    text += "  start timeout: " + std::to_string(job.start_timeout) +
            " s for torchrun's first rendezvous (local processes start at once)\n";
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
    if (is_placeholder(value)) {
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

std::string dry_run_text(const sdk::Job& job, const std::string& submission_id) {
  LaunchContext context{{}, submission_id, kConfigPlaceholder, {}};
  for (const auto& role : job.roles) {
    context.master_ports[role.name] = kPortPlaceholder;
    context.tf_ports[role.name].assign(role.replicas, kPortPlaceholder);
  }
  auto launches = plan_launches(job, context);
  std::string text = summary(job, launches.size());
  for (const auto& launch : launches) text += replica_text(launch);
  return text;
}

}  // namespace dlaunch::local
