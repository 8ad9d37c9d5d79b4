"""Jobs run end to end on the local platform through the package: ranks, logs, exit codes, stop, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from jobs import sleeper, two_ranks

import dlaunch


def test_a_two_replica_job_prints_its_ranks_and_succeeds() -> None:
    handle = two_ranks().run(platform="local")
    assert handle.platform == "local" and handle.native_id.startswith("hello-")
    lines = list(handle.logs(follow=True))
    assert sorted(lines) == ["[worker/0] rank 0 of 2", "[worker/1] rank 1 of 2"]
    assert handle.wait() == 0
    status = handle.status()
    assert (status.state, status.terminal, status.exit_code, status.name) == ("SUCCEEDED", True, 0, "hello")
    assert "SUCCEEDED" in status._repr_html_() and "SUCCEEDED" in handle._repr_html_()
    assert sorted(handle.logs()) == sorted(lines)  # the whole output again, without following
    assert handle in [entry.handle for entry in dlaunch.list(platform="local")]


def test_wait_returns_the_job_s_own_exit_code() -> None:
    handle = dlaunch.Job("fails").role("worker", "exit 3", replicas=2).run()
    assert handle.wait() == 3
    status = handle.status()
    assert (status.state, status.exit_code) == ("FAILED", 3)
    assert "exit 3" in status._repr_html_()


def test_a_stopped_job_ends_stopped_and_can_then_be_deleted() -> None:
    handle = sleeper("stopped").run()
    with pytest.raises(dlaunch.Refused) as caught:
        handle.delete()  # still running
    assert caught.value.code == "failed_precondition" and caught.value.exit_code == 1
    handle.stop()
    assert handle.wait() == 1
    assert handle.status().state == "STOPPED"
    handle.stop()  # stopping an ended job is no error
    handle.delete()


def test_an_unknown_job_is_not_found() -> None:
    with pytest.raises(dlaunch.NotFound) as caught:
        dlaunch.Handle("local:nope-000000").status()
    assert caught.value.exit_code == 1 and "nope-000000" in str(caught.value)


def _interrupt_soon(seconds: float) -> threading.Timer:
    """Ctrl-C as a terminal delivers it: SIGINT to this process, handled in the main thread."""
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_ends_a_wait_at_once_and_the_job_goes_on() -> None:
    handle = sleeper("waited").run()
    started = time.monotonic()
    _interrupt_soon(0.5)
    with pytest.raises(KeyboardInterrupt):
        handle.wait()
    assert time.monotonic() - started < 3
    assert handle.status().state == "RUNNING"
    with pytest.raises(TimeoutError):
        handle.wait(timeout=0.3)
    handle.stop()
    assert handle.wait() == 1


def test_ctrl_c_ends_a_follow_cleanly_and_the_job_goes_on() -> None:
    handle = sleeper("followed").run()
    lines = []
    with pytest.raises(KeyboardInterrupt):
        for line in handle.logs(follow=True):
            lines.append(line)
            started = time.monotonic()
            _interrupt_soon(0.2)
    assert lines == ["[sleeper/0] started"]
    assert time.monotonic() - started < 3
    assert not [t for t in threading.enumerate() if t.name.startswith("dlaunch logs")]  # the follower was joined
    assert handle.status().state == "RUNNING"
    # Leaving the loop early ends the follow too.
    for _ in handle.logs(follow=True):
        break
    assert not [t for t in threading.enumerate() if t.name.startswith("dlaunch logs")]
    handle.stop()
    handle.wait()


def test_the_installed_plugins_are_listed() -> None:
    found = {plugin.id: plugin for plugin in dlaunch.plugins()}
    assert {"local", "ray", "slurm"} <= found.keys()
    assert found["local"].abi[0] == 1 and os.path.isdir(found["local"].directory)
    assert dlaunch.version() == subprocess.run([sys.executable, "-m", "dlaunch", "version"], capture_output=True,
                                               text=True, check=True).stdout.split()[1]


def test_python_m_dlaunch_is_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "dlaunch", "status", "local:nope-000000"], capture_output=True,
                          text=True)
    assert done.returncode == 1 and "nope-000000" in done.stderr
