// What the local platform does when a replica fails (failover.scope, each role's max_restarts and
// min_replicas), and the counts behind it. It lives as long as the job, across attempts.
//
// In order, the first that applies:
//   1. scope "replica" or "role", and the role has restarts left: restart that replica, or every replica of
//      its role (the rest of the job keeps running);
//   2. at least min_replicas other replicas of the role have not failed: go on without the failed one (an
//      elastic role shrinks before anything is restarted for it);
//   3. scope "job", the role has restarts left and the job too (failover.max_restarts): restart the job;
//   4. fail the job.
// A torchrun role spends its max_restarts inside torchrun (--max_restarts), so dlaunch restarts nothing for
// it: its replica's failure means torchrun gave up.
#ifndef DLAUNCH_LOCAL_FAILOVER_POLICY_HPP_
#define DLAUNCH_LOCAL_FAILOVER_POLICY_HPP_

#include <dlaunch/job_document.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace dlaunch::local {

enum class Recovery { kRestartReplica, kRestartRole, kGoOnWithout, kRestartJob, kFail };

class FailoverPolicy {
 public:
  explicit FailoverPolicy(const sdk::Job& job);

  // A replica of `role` failed while `others_healthy` other replicas of it run or have succeeded. Decides,
  // and counts the restart it chose.
  Recovery on_failure(const std::string& role, int64_t others_healthy);

  int64_t min_replicas(const std::string& role) const { return roles_.at(role).min_replicas; }
  // Restarts of any scope so far (the job's status reports them).
  uint32_t restarts() const { return restarts_; }
  // "restart 2 of 3" for the last restart chosen for `role` (or, for the job, of the job's).
  std::string last_restart_text(const std::string& role, Recovery recovery) const;

 private:
  struct RoleBudget {
    int64_t limit = 0;
    int64_t used = 0;
    int64_t min_replicas = 1;
  };

  std::string scope_;
  int64_t job_limit_ = 0;
  int64_t job_used_ = 0;
  uint32_t restarts_ = 0;
  std::map<std::string, RoleBudget> roles_;
};

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_FAILOVER_POLICY_HPP_
