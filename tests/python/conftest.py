"""Shared by the Python package's tests (ctest label `python`; tests/python/CMakeLists.txt runs them).

The package under test is bindings/python/src over the build tree's libdlaunch, plugins and CLI
(DLAUNCH_NATIVE_DIR, set by CTest); the journal and the plugins' state go to a directory of this run, so the
tests neither see nor leave jobs in the user's.
"""

from __future__ import annotations

import os
import tempfile

# Before dlaunch opens its first session: the journal's and the plugins' state directories come from here.
_state = tempfile.mkdtemp(prefix="dlaunch-python-tests-")
os.environ["XDG_STATE_HOME"] = os.path.join(_state, "state")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_state, "config")

import pytest  # noqa: E402

import dlaunch  # noqa: E402


@pytest.fixture
def cli() -> str:
    """The dlaunch executable of the same tree, to compare the package with the command line."""
    return os.path.join(os.environ["DLAUNCH_NATIVE_DIR"], "bin", "dlaunch")


def two_ranks(name: str = "hello") -> dlaunch.Job:
    """A job of two replicas that each print their rank, as examples/hello.toml."""
    return dlaunch.Job(name).role("worker", 'echo "rank $RANK of $WORLD_SIZE"', replicas=2, per_node=2,
                                  resources={"cpu": 1, "memory": "64Mi"})


def sleeper(name: str, seconds: int = 30) -> dlaunch.Job:
    """A job that says it started, then sleeps: to stop, or to interrupt a wait or a follow."""
    return dlaunch.Job(name).role("sleeper", f"echo started; exec sleep {seconds}")
