"""What the Python tests that drive the built `dlaunch` share: a home of their own, waiting, reading a file a
job writes, and whether a process still runs. ctest puts this directory on PYTHONPATH (tests/cli, tests/ui).
"""
import argparse
import contextlib
import os
import sys
import tempfile
import time
import unittest


def dlaunch_argument():
    """The built binary the script's `--dlaunch BIN` names, as an absolute path, and the arguments left over
    (for unittest)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlaunch", required=True)
    args, rest = parser.parse_known_args()
    return os.path.abspath(args.dlaunch), rest


@contextlib.contextmanager
def isolated_env():
    """The environment with XDG_CONFIG_HOME, XDG_STATE_HOME and XDG_DATA_HOME in a new temporary directory
    (the config one made), so that no test reads or writes the user's journal or configuration."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(home, "config"),
                   XDG_STATE_HOME=os.path.join(home, "state"), XDG_DATA_HOME=os.path.join(home, "data"))
        os.makedirs(env["XDG_CONFIG_HOME"])
        yield env


def run_unittests(rest):
    """Runs the calling script's test cases (argv `rest` left over from its own options): 0 when all pass."""
    result = unittest.main(module="__main__", argv=[sys.argv[0], *rest], exit=False, verbosity=2).result
    return 0 if result.wasSuccessful() else 1


def read(path):
    """The file's text, stripped; "" while it does not exist (a job has not written it yet)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def alive(pid):
    """Whether `pid` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def wait_for(predicate, seconds=20):
    """Asks `predicate` every 0.1 s until it holds or `seconds` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()
