"""Entry point: `python3 -m dlaunch_ray_driver`, the Ray job's entrypoint for gang jobs.

Runs the plan's replicas (attempt.Attempt) on a gang of actors (gang.Gang); when one fails, restarts the
whole job up to failover.max_restarts times; exits with the first failed replica's exit code of the last
attempt (0 when all driver roles succeeded), which Ray records as the job's driver_exit_code.
"""
import logging
import signal
import sys
import threading

import ray

from .attempt import Attempt
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
    code = 1
    gang = None
    try:
        for number in range(plan.max_restarts + 1):
            if number > 0:
                say(f"restarting the job (restart {number} of {plan.max_restarts})")
            if gang is None or gang.lost:
                if gang is not None:
                    gang.close()
                gang = Gang(plan)
                if not gang.reserve(stopping):
                    break
            code = Attempt(plan, number, gang, stopping).run()
            if code == 0 or stopping.is_set():
                break
    finally:
        if gang is not None:
            gang.close()
    if stopping.is_set():
        say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
