"""What the driver does when a replica fails (failover.scope, each role's max_restarts and min_replicas), and
the counts behind it: the rules of docs/job-spec.md#failover, which the local platform follows too. It lives
as long as the job, across attempts.

In order, the first that applies:
  1. scope "replica" or "role", and the role has restarts left: restart that replica, or every replica of
     its role (the rest of the job keeps running);
  2. at least min_replicas other replicas of the role have not failed: go on without the failed one;
  3. scope "job" (or a lost actor, whatever the scope), the role has restarts left and the job too
     (failover.max_restarts): restart the job;
  4. fail the job.
A torchrun role spends its max_restarts inside torchrun (--max_restarts), so nothing is restarted for it.
"""
import enum


class Recovery(enum.Enum):
    RESTART_REPLICA = "restart replica"
    RESTART_ROLE = "restart role"
    GO_ON_WITHOUT = "go on without"
    RESTART_JOB = "restart job"
    FAIL = "fail"


class FailoverPolicy:
    def __init__(self, plan):
        self.scope = plan.scope
        self.job_limit = plan.max_restarts
        self.job_used = 0
        self.limits = {role.name: 0 if role.launcher == "torchrun" else role.max_restarts for role in plan.roles}
        self.used = {role.name: 0 for role in plan.roles}
        self.min_replicas = {role.name: role.min_replicas for role in plan.roles}

    def on_failure(self, role, others_healthy, in_place=True):
        """A replica of `role` failed while `others_healthy` other replicas of it run or have succeeded.
        Decides, and counts the restart it chose. `in_place` is False when its actor was lost: the replica
        cannot be started again where it was, only with a new gang (a job restart)."""
        role_may_restart = self.used[role] < self.limits[role]
        if in_place and role_may_restart and self.scope in ("replica", "role"):
            self.used[role] += 1
            return Recovery.RESTART_REPLICA if self.scope == "replica" else Recovery.RESTART_ROLE
        if others_healthy >= self.min_replicas[role]:
            return Recovery.GO_ON_WITHOUT
        # A lost actor's replica can only start again in a new gang: a job restart, whatever the scope.
        if role_may_restart and self.job_used < self.job_limit and (self.scope == "job" or not in_place):
            self.used[role] += 1
            self.job_used += 1
            return Recovery.RESTART_JOB
        return Recovery.FAIL

    def restart_text(self, role, recovery):
        """"restart 2 of 3" for the restart just chosen for `role` (for the job's, of the job's)."""
        if recovery is Recovery.RESTART_JOB:
            return f"restart {self.job_used} of {self.job_limit}"
        return f"restart {self.used[role]} of {self.limits[role]} for role '{role}'"
