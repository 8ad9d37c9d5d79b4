"""Entry point: `python3 -m dlaunch_ray_driver`, the Ray job's entrypoint for gang jobs.

Reserves the plan's gang (gang.Gang) and runs the replicas on it (attempt.Attempt); when one fails, the
failover policy (failover.py) restarts it, its role or the whole job, goes on without it, or ends the job;
exits with the first failed replica's exit code of the last attempt (0 when all driver roles succeeded),
which Ray records as the job's driver_exit_code.
"""
import logging
import signal
import sys
import threading

import ray

from .attempt import Attempt
from .failover import FailoverPolicy
from .gang import Gang
from .plan import Plan
from .report import say


def main():
    plan = Plan.from_environment()
    # The job's log is the replicas' [role/rank] lines and the driver's [dlaunch] lines, nothing else: no
    # actor output (Ray's own noise here) and none of Ray's INFO lines, which come in colour.
    ray.init(log_to_driver=False, logging_level=logging.WARNING)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):  # `ray job stop` sends SIGTERM
        signal.signal(signum, lambda *_: stopping.set())

    shape = ", ".join(f"{role.name} x{role.replicas}" for role in plan.roles)
    say(f"job {plan.job}: {shape} (placement {plan.placement_strategy})")
    policy = FailoverPolicy(plan)
    starts = {}
    code = 1
    gang = None
    try:
        while True:
            if gang is None or gang.lost:
                if gang is not None:
                    gang.close()
                gang = Gang(plan)
                if not gang.reserve(stopping):
                    if gang.failure is not None:
                        say(gang.failure)  # the last line: the job's status message
                    break
            attempt = Attempt(plan, gang, policy, starts, stopping)
            code = attempt.run()
            if code == 0 or stopping.is_set() or not attempt.restart_job:
                break
            say(f"restarting the job (restart {policy.job_used} of {policy.job_limit})")
    finally:
        if gang is not None:
            gang.close()
    if stopping.is_set():
        say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
