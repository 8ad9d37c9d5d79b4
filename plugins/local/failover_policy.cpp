#include "failover_policy.hpp"

namespace dlaunch::local {

FailoverPolicy::FailoverPolicy(const sdk::Job& job)
    : scope_(job.failover.scope), job_limit_(job.failover.max_restarts) {
  for (const auto& role : job.roles) {
    roles_[role.name] = RoleBudget{role.launcher == "torchrun" ? 0 : role.max_restarts, 0, role.min_replicas};
  }
}

Recovery FailoverPolicy::on_failure(const std::string& role, int64_t others_healthy) {
  RoleBudget& budget = roles_.at(role);
  const bool role_may_restart = budget.used < budget.limit;
  if (role_may_restart && (scope_ == "replica" || scope_ == "role")) {
    ++budget.used;
    ++restarts_;
    return scope_ == "replica" ? Recovery::kRestartReplica : Recovery::kRestartRole;
  }
  if (others_healthy >= budget.min_replicas) return Recovery::kGoOnWithout;
  if (role_may_restart && scope_ == "job" && job_used_ < job_limit_) {
    ++budget.used;
    ++job_used_;
    ++restarts_;
    return Recovery::kRestartJob;
  }
  return Recovery::kFail;
}

std::string FailoverPolicy::last_restart_text(const std::string& role, Recovery recovery) const {
  if (recovery == Recovery::kRestartJob) {
    return "restart " + std::to_string(job_used_) + " of " + std::to_string(job_limit_);
  }
  const RoleBudget& budget = roles_.at(role);
  return "restart " + std::to_string(budget.used) + " of " + std::to_string(budget.limit) + " for role '" + role +
         "'";
}

}  // namespace dlaunch::local
