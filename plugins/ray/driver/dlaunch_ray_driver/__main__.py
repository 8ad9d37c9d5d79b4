"""Entry point: `python3 -m dlaunch_ray_driver`, the Ray job's entrypoint for gang jobs.

Runs the plan's replicas (gang.Attempt); when one fails, restarts the whole gang up to failover.max_restarts
times; exits with the first non-zero replica exit code of the last attempt (0 when all driver roles
succeeded), which Ray records as the job's driver_exit_code.
"""
import signal
import sys
import threading

import ray

from .gang import Attempt, say
from .plan import Plan


def main():
    plan = Plan.from_environment()
    # Actor output is nothing but Ray's own noise here: replicas' output is relayed with [role/rank] prefixes.
    ray.init(log_to_driver=False)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):  # `ray job stop` sends SIGTERM
        signal.signal(signum, lambda *_: stopping.set())

    shape = ", ".join(f"{role.name} x{role.replicas}" for role in plan.roles)
    say(f"job {plan.job}: {shape} (placement {plan.placement_strategy})")
    code = 1
    for number in range(plan.max_restarts + 1):
        if number > 0:
            say(f"restarting the job (restart {number} of {plan.max_restarts})")
        attempt = Attempt(plan, number, stopping)
        code = attempt.run()
        if code == 0 or stopping.is_set():
            break
    if stopping.is_set():
        say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
