#include "job_checks.hpp"

#include <dlaunch/key_path.hpp>

#include <unistd.h>

#include <algorithm>
#include <string>

#include "launch_plan.hpp"
#include "local_options.hpp"

namespace dlaunch::local {
namespace {

// A missing program is only a warning: an earlier step of the user's may still create it.
void check_programs(const sdk::Job& job, const sdk::DiagnosticsOut& out) {
  auto launches = plan_launches(job, {});
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const auto& role = job.roles[i];
    auto first = std::find_if(launches.begin(), launches.end(), [&](const auto& l) { return l.role == role.name; });
    if (first == launches.end() || first->argv.empty()) continue;  // the host reports an empty entrypoint
    if (find_program(first->argv[0], search_path(*first), first->working_dir).empty()) {
      out.warning(sdk::KeyPath("roles").element(i).member("entrypoint"),
                  "program '" + first->argv[0] + "' is not found in PATH or the working directory",
                  "the replicas of role '" + role.name + "' fail to start unless it exists by then");
    }
  }
}

}  // namespace

void check_job(const sdk::Job& job, const sdk::DiagnosticsOut& out) {
  sdk::refuse_fields_not_honoured(
      job, "local",
      {"config", "start_timeout", "priority", "failover.scope", "roles.min_replicas", "roles.max_restarts",
       "roles.launcher", "roles.nproc_per_node", "roles.rdzv_backend", "roles.rdzv_port", "roles.tf_task"},
      {{"roles.resources.gpu_share", "local processes see every device of this machine: none gets a share of one"},
       {"colocations", "local processes see every device of this machine: none is placed on a device"}},
      out);
  check_programs(job, out);  // the host checked that working_dir is a directory
  if (job.platform.integer(kStopGraceOption, 0) < 0) {
    out.error(sdk::KeyPath("platform").member("local").member(kStopGraceOption), "must be 0 or more seconds");
  }
  if (job.node_num > 1) {
    out.warning("node_num", "the local platform runs every replica on this machine; node_num " +
                                std::to_string(job.node_num) + " only affects the checks");
  }
  // Raising a process's priority needs CAP_SYS_NICE; root has it, and a user without it would see the job
  // start at normal priority (the supervisor could only note that it failed).
  if (job.priority == "high" && ::geteuid() != 0) {
    out.error("priority", "the local platform cannot raise the job's priority: a negative nice value needs "
                          "CAP_SYS_NICE, which user " + std::to_string(::geteuid()) + " lacks",
              "use priority = \"normal\" or \"low\" on this machine");
  }
  for (size_t i = 0; i < job.roles.size(); ++i) {
    if (job.roles[i].resources.gpu > 0) {
      out.warning(sdk::KeyPath("roles").element(i).member("resources").member("gpu"),
                  "the local platform does not isolate devices: every replica sees every GPU of this machine",
                  "set CUDA_VISIBLE_DEVICES in the role's env to choose devices");
    }
  }
}

}  // namespace dlaunch::local
