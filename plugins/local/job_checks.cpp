#include "job_checks.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

#include "launch_plan.hpp"
#include "local_options.hpp"

namespace dlaunch::local {
namespace {

// False when the working directory is unusable (then programs cannot be looked up in it either).
bool check_working_dir(const sdk::Job& job, const sdk::DiagnosticsOut& out) {
  std::error_code error;
  auto status = std::filesystem::status(job.working_dir, error);
  if (!std::filesystem::exists(status)) {
    out.error("working_dir", "the working directory " + job.working_dir + " does not exist",
              "create it, or set working_dir to an existing directory (relative to the spec file)");
    return false;
  }
  if (!std::filesystem::is_directory(status)) {
    out.error("working_dir", job.working_dir + " is not a directory");
    return false;
  }
  return true;
}

// A missing program is only a warning: an earlier step of the user's may still create it.
void check_programs(const sdk::Job& job, const sdk::DiagnosticsOut& out) {
  auto launches = plan_launches(job, {}, 0);
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const auto& role = job.roles[i];
    auto first = std::find_if(launches.begin(), launches.end(), [&](const auto& l) { return l.role == role.name; });
    if (first == launches.end() || first->argv.empty()) continue;  // the host reports an empty entrypoint
    if (find_program(first->argv[0], search_path(*first), first->working_dir).empty()) {
      out.warning("roles[" + std::to_string(i) + "].entrypoint",
                  "program '" + first->argv[0] + "' is not found in PATH or the working directory",
                  "the replicas of role '" + role.name + "' fail to start unless it exists by then");
    }
  }
}

}  // namespace

void check_job(const sdk::Job& job, const sdk::DiagnosticsOut& out) {
  if (check_working_dir(job, out)) check_programs(job, out);
  if (job.platform.integer(kStopGraceOption, 0) < 0) {
    out.error(std::string("platform.local.") + kStopGraceOption, "must be 0 or more seconds");
  }
  if (job.node_num > 1) {
    out.warning("node_num", "the local platform runs every replica on this machine; node_num " +
                                std::to_string(job.node_num) + " only affects the checks");
  }
  for (size_t i = 0; i < job.roles.size(); ++i) {
    if (job.roles[i].resources.gpu > 0) {
      out.warning("roles[" + std::to_string(i) + "].resources.gpu",
                  "the local platform does not isolate devices: every replica sees every GPU of this machine",
                  "set CUDA_VISIBLE_DEVICES in the role's env to choose devices");
    }
  }
}

}  // namespace dlaunch::local
