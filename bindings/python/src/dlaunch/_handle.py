"""Handle and JobStatus: a submitted job, named by its handle ``PLATFORM:NATIVE_ID``, and its state."""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: typing costs `import dlaunch` more than all the rest (type checkers
# know the name).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


def _time(ms: int) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ms / 1000)) if ms else ""


class JobStatus:
    """A job's state at one moment, as ``dlaunch status`` reports it."""

    __slots__ = ("handle", "state", "exit_code", "restarts", "name", "native_state", "message", "start_time_ms",
                 "end_time_ms")

    def __init__(self, handle: str, state: str, exit_code: int | None, restarts: int, name: str,
                 native_state: str, message: str, start_time_ms: int, end_time_ms: int) -> None:
        self.handle = handle
        #: "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPED" or "UNKNOWN".
        self.state = state
        #: The job's own exit code once it ended with one, else None.
        self.exit_code = exit_code
        #: Restarts done so far under failover.
        self.restarts = restarts
        self.name = name
        #: The platform's own word for the state.
        self.native_state = native_state
        #: Why it is in that state, when the platform says.
        self.message = message
        #: Unix epoch milliseconds; 0 when unknown (or, for the end, still running).
        self.start_time_ms = start_time_ms
        self.end_time_ms = end_time_ms

    @property
    def terminal(self) -> bool:
        """True once the job has ended: SUCCEEDED, FAILED or STOPPED."""
        return self.state in ("SUCCEEDED", "FAILED", "STOPPED")

    @classmethod
    def _of(cls, handle: str, out: Any) -> JobStatus:
        from dlaunch import _capi

        return cls(handle, _capi.state_name(out.state), out.exit_code if out.has_exit_code else None, out.restarts,
                   _capi.text(out.name), _capi.text(out.native_state), _capi.text(out.message), out.start_time_ms,
                   out.end_time_ms)

    def __repr__(self) -> str:
        code = f", exit_code={self.exit_code}" if self.exit_code is not None else ""
        return f"JobStatus({self.handle!r}, {self.state}{code}, restarts={self.restarts})"

    def _repr_html_(self) -> str:
        from html import escape

        from dlaunch._html import state_badge, table

        state = state_badge(self.state)
        if self.exit_code is not None:
            state += f" (exit {self.exit_code})"
        rows = [("state", state), ("name", escape(self.name)), ("restarts", str(self.restarts)),
                ("platform state", escape(self.native_state)), ("started", _time(self.start_time_ms)),
                ("ended", _time(self.end_time_ms)), ("message", escape(self.message))]
        return table(escape(self.handle), [(label, value) for label, value in rows if value])


class Handle:
    """A submitted job. ``Job.run`` returns one; ``Handle("local:hello-2218be")`` names any job dlaunch knows
    or its platform has, as the CLI's later commands do."""

    __slots__ = ("handle",)

    def __init__(self, handle: str) -> None:
        #: "PLATFORM:NATIVE_ID".
        self.handle = handle

    @property
    def platform(self) -> str:
        return self.handle.partition(":")[0]

    @property
    def native_id(self) -> str:
        return self.handle.partition(":")[2]

    def status(self) -> JobStatus:
        """The job's status now (asks the platform)."""
        from dlaunch import _capi

        out = _capi.new(_capi.JobStatusStruct)
        session = _capi.shared_session()
        with session.lock:
            session.call("dl_handle_status", self.handle.encode(), _capi.byref(out))
            return JobStatus._of(self.handle, out)

    def wait(self, timeout: float | None = None) -> int:
        """Waits until the job has ended and returns the exit code ``dlaunch run --wait`` ends with: 0 when it
        succeeded, its own exit code when it failed with one, else 1 (stopped, or failed without a code).

        Raises TimeoutError after ``timeout`` seconds; Ctrl-C (KeyboardInterrupt) ends the wait at once. The
        job goes on in both cases."""
        import time

        from dlaunch import _capi

        deadline = None if timeout is None else time.monotonic() + timeout
        exit_code = _capi.c_int32()
        with _Own() as session, _capi.Interruptible() as interrupt:
            # Called after each poll, at most 200 ms apart: where a timeout and a Ctrl-C end the wait.
            def on_update(_user: Any, _status: Any) -> int:
                timed_out = deadline is not None and time.monotonic() >= deadline
                return 1 if interrupt.interrupted or timed_out else 0

            callback, raised = _capi.guarded(on_update)
            status = _capi.lib.dl_handle_wait(session.pointer, self.handle.encode(), _capi.WAIT_FN(callback), None,
                                              None, _capi.byref(exit_code))
            interrupt.check()
            if raised:
                raise raised[0]
            if status == _capi.ERR_CANCELLED and deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"dlaunch: {self.handle} still runs after {timeout} s")
            session.check(status)
        return exit_code.value

    def logs(self, follow: bool = False) -> Iterator[str]:
        """The job's output lines from the start (without their newline). With ``follow``, goes on until the
        job has ended; Ctrl-C (KeyboardInterrupt) ends the iteration at once, the job going on.

        Following runs in a thread of its own and hands each line over as it comes."""
        return _follow(self.handle) if follow else iter(_read_logs(self.handle))

    def stop(self) -> None:
        """Asks the platform to stop the job, as ``dlaunch stop``; stopping an ended job is no error."""
        from dlaunch import _capi

        _capi.shared_session().call("dl_handle_stop", self.handle.encode())

    def delete(self) -> None:
        """Makes the platform forget the ended job, as ``dlaunch delete``; a running one raises Refused."""
        from dlaunch import _capi

        _capi.shared_session().call("dl_handle_delete", self.handle.encode())

    def __str__(self) -> str:
        return self.handle

    def __repr__(self) -> str:
        return f"Handle({self.handle!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Handle) and other.handle == self.handle

    def __hash__(self) -> int:
        return hash(self.handle)

    def _repr_html_(self) -> str:
        try:
            return self.status()._repr_html_()
        except Exception as error:  # noqa: BLE001 - a notebook shows what went wrong instead of the status
            from html import escape

            from dlaunch._html import table

            return table(escape(self.handle), [("status", escape(f"{type(error).__name__}: {error}"))])


class _Own:
    """A session of its own for one blocking call, so that other threads keep the shared one meanwhile."""

    def __enter__(self) -> Any:
        from dlaunch import _capi

        self.session = _capi.Session()
        return self.session

    def __exit__(self, *_: object) -> None:
        self.session.close()


def _read_logs(handle: str) -> list[str]:
    from dlaunch import _capi

    lines: list[str] = []
    session = _capi.shared_session()
    with session.lock, _capi.Interruptible() as interrupt:
        def on_line(_user: Any, line: int | None, length: int) -> int:
            if line:
                lines.append(_capi.ctypes.string_at(line, length).decode("utf-8", "replace"))
            return 1 if interrupt.interrupted else 0

        callback, raised = _capi.guarded(on_line)
        status = _capi.lib.dl_handle_logs(session.pointer, handle.encode(), False, _capi.LINE_FN(callback), None)
        interrupt.check()
        if raised:
            raise raised[0]
        session.check(status)
    return lines


_END = object()
# Lines a follow may be ahead of its consumer by. When they are waiting, the follow waits for the consumer
# (and the library, then the plugin, for it): a slow loop over a chatty job holds a bounded amount of output.
_BACKLOG = 1024


def _follow(handle: str) -> Iterator[str]:
    """The C follow on a worker thread, its lines through a bounded queue. Leaving the loop early (break, an
    exception, Ctrl-C in the consumer) cancels the follow and joins the thread before going on."""
    import queue
    import threading

    from dlaunch import _capi

    lines: queue.Queue[Any] = queue.Queue(maxsize=_BACKLOG)
    done = threading.Event()
    outcome: list[BaseException] = []
    session = _capi.Session()

    def put(item: Any) -> None:
        """Waits for room, unless the consumer has gone (done), which nothing is then put for."""
        while not done.is_set():
            try:
                lines.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def on_line(_user: Any, line: int | None, length: int) -> int:
        if line:
            put(_capi.ctypes.string_at(line, length).decode("utf-8", "replace"))
        return 1 if done.is_set() else 0  # an idle tick comes at least every 200 ms: done is seen in time

    def follow() -> None:
        callback, raised = _capi.guarded(on_line)
        try:
            status = _capi.lib.dl_handle_logs(session.pointer, handle.encode(), True, _capi.LINE_FN(callback), None)
            outcome.extend(raised)
            if status not in (_capi.OK, _capi.ERR_CANCELLED):
                outcome.append(session.error(status))
        finally:
            put(_END)

    worker = threading.Thread(target=follow, name=f"dlaunch logs {handle}", daemon=True)
    worker.start()
    try:
        while (line := lines.get()) is not _END:
            yield line
    finally:
        done.set()
        session.cancel()
        interrupted = _capi.join_through_interrupts(worker)
        session.close()
        if interrupted:
            raise KeyboardInterrupt
    if outcome:
        raise outcome[0]
