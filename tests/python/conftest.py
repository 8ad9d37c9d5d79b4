"""Shared by the Python package's tests (ctest label `python`; tests/python/CMakeLists.txt runs them).

The package under test is bindings/python/src over the build tree's libdlaunch, plugins and CLI
(DLAUNCH_NATIVE_DIR, set by CTest); the journal and the plugins' state go to a directory of this run, removed
at its end, so the tests neither see nor leave jobs in the user's.
"""

from __future__ import annotations

import os
import shutil
import tempfile

# Before dlaunch opens its first session: the journal's and the plugins' state directories come from here.
_state = tempfile.mkdtemp(prefix="dlaunch-python-tests-")
_environment = {name: os.environ.get(name) for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME")}
os.environ["XDG_STATE_HOME"] = os.path.join(_state, "state")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_state, "config")

import pytest  # noqa: E402


def pytest_sessionfinish() -> None:
    for name, value in _environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(_state, ignore_errors=True)


@pytest.fixture
def cli() -> str:
    """The dlaunch executable of the same tree, to compare the package with the command line."""
    return os.path.join(os.environ["DLAUNCH_NATIVE_DIR"], "bin", "dlaunch")
