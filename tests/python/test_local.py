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


def test_ctrl_c_ends_a_wait_and_the_job_goes_on() -> None:
    # The job sleeps 30 s: a wait that Ctrl-C did not end would return 1 when it is over, not raise (and the
    # test's TIMEOUT bounds the rest).
    handle = sleeper("waited").run()
    _interrupt_soon(0.5)
    with pytest.raises(KeyboardInterrupt):
        handle.wait()
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
            _interrupt_soon(0.2)
    assert lines == ["[sleeper/0] started"]
    assert not [t for t in threading.enumerate() if t.name.startswith("dlaunch logs")]  # the follower was joined
    assert handle.status().state == "RUNNING"
    # Leaving the loop early ends the follow too.
    for _ in handle.logs(follow=True):
        break
    assert not [t for t in threading.enumerate() if t.name.startswith("dlaunch logs")]
    handle.stop()
    handle.wait()


def test_a_follow_hands_over_every_line_through_its_bounded_backlog(monkeypatch: pytest.MonkeyPatch) -> None:
    # A backlog of 4 lines for 300: the follow waits for the consumer again and again, and loses nothing.
    monkeypatch.setattr("dlaunch._handle._BACKLOG", 4)
    handle = dlaunch.Job("chatty").role("worker", "seq 300").run()
    lines = []
    for line in handle.logs(follow=True):
        lines.append(line)
        if len(lines) % 50 == 0:
            time.sleep(0.05)  # a slow consumer now and then
    assert lines == [f"[worker/0] {n}" for n in range(1, 301)]
    assert handle.wait() == 0


def test_list_goes_on_while_another_thread_holds_the_shared_session() -> None:
    from dlaunch import _capi

    handle = two_ranks("listed").run()
    handle.wait()
    listed: list[list[dlaunch.JournalEntry]] = []
    session = _capi.shared_session()
    with session.lock:  # as a long call of another thread would
        lister = threading.Thread(target=lambda: listed.append(dlaunch.list(platform="local")))
        lister.start()
        lister.join(timeout=60)  # not a speed bound: a list waiting for the lock would never end
        assert not lister.is_alive()
    assert handle in [entry.handle for entry in listed[0]]
    assert [e.state for e in listed[0] if e.handle == handle] == ["SUCCEEDED"]


def test_ctrl_c_ends_a_call_that_blocks_without_calling_back() -> None:
    # What dlaunch.list() does while it asks the platforms: here a wait with no callback, which only a cancel
    # ends (the job sleeps 30 s; the test's TIMEOUT bounds the rest).
    from dlaunch import _capi

    handle = sleeper("uncalled").run()
    session = _capi.Session()
    _interrupt_soon(0.5)
    with pytest.raises(KeyboardInterrupt):
        session.call_interruptibly("dl_handle_wait", str(handle).encode(), _capi.WAIT_FN(), None, None, None)
    assert not [t for t in threading.enumerate() if t.name == "dlaunch dl_handle_wait" and t.is_alive()]  # joined
    session.close()
    assert handle.status().state == "RUNNING"
    handle.stop()
    handle.wait()


def test_ctrl_c_is_left_to_a_handler_installed_from_c(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python reports a SIGINT handler installed from C (an embedding program's) as None, and cannot put it back:
    # it is left alone, and the call runs all the same.
    from dlaunch import _capi

    before = signal.getsignal(signal.SIGINT)
    replaced: list[object] = []
    real_signal = signal.signal

    def record(signum: int, handler: object) -> object:
        replaced.append(handler)
        return real_signal(signum, handler)

    monkeypatch.setattr(signal, "getsignal", lambda _signum: None)
    monkeypatch.setattr(signal, "signal", record)
    with _capi.Interruptible() as interrupt:
        pass
    interrupt.check()
    assert replaced == []
    monkeypatch.undo()
    assert signal.getsignal(signal.SIGINT) is before


def test_a_journal_state_of_a_newer_library_is_unknown() -> None:
    from types import SimpleNamespace

    from dlaunch._catalog import JournalEntry

    out = SimpleNamespace(handle=b"", submission_id=b"s", platform=b"local", name=b"n", spec_file=b"", sweep=b"",
                          error=b"", journal_state=7, has_state=False, state=0, submitted_ms=0, state_unknown=False)
    entry = JournalEntry(out)
    assert (entry.journal_state, entry.state, entry.handle) == ("unknown", None, None)
    out.state_unknown = True
    assert JournalEntry(out).state == "UNKNOWN"


def test_a_secret_never_shows(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    # Slurm's token is a secret option: from the options or the environment, nothing returned or printed shows
    # it, only "***". Nothing listens on port 9, so the submit fails.
    monkeypatch.setenv("SLURM_JWT", "env-secret-0815")
    secrets = ("option-secret-1234", "env-secret-0815")
    shown = []
    for options in ({"url": "http://127.0.0.1:9", "token": "option-secret-1234"}, {"url": "http://127.0.0.1:9"}):
        job = two_ranks("secret")
        shown += [job.document("slurm", options), job.dry_run("slurm", options), repr(job)]
        assert "X-SLURM-USER-TOKEN: ***" in shown[-2]
        with pytest.raises(dlaunch.Unreachable) as caught:
            job.run("slurm", options)
        shown += [str(caught.value), repr(caught.value)]
    shown += [repr(entry) + entry.error for entry in dlaunch.list(platform="slurm")]
    captured = capfd.readouterr()
    shown += [captured.out, captured.err]
    assert not [text for text in shown if any(secret in text for secret in secrets)]


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
