"""Small jobs the tests run."""

from __future__ import annotations

import dlaunch


def two_ranks(name: str = "hello") -> dlaunch.Job:
    """A job of two replicas that each print their rank, as examples/hello.toml."""
    return dlaunch.Job(name).role("worker", 'echo "rank $RANK of $WORLD_SIZE"', replicas=2, per_node=2,
                                  resources={"cpu": 1, "memory": "64Mi"})


def sleeper(name: str, seconds: int = 30) -> dlaunch.Job:
    """A job that says it started, then sleeps: to stop, or to interrupt a wait or a follow."""
    return dlaunch.Job(name).role("sleeper", f"echo started; exec sleep {seconds}")
