"""libdlaunch's C client API (core/include/dlaunch/client.h) through ctypes.

Imported on first use, never by ``import dlaunch``: loading ctypes and the library is the cost that import
must not pay. The structs are declared at version 1.1 and each ``struct_size`` says so, as the header asks (the
package ships with its library, so the two are of one version).
"""

from __future__ import annotations

import ctypes
import signal
import threading
from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_bool, c_char_p, c_int, c_int32, c_int64, c_size_t,
                    c_uint32, c_void_p)
from typing import TYPE_CHECKING, Any

from dlaunch._errors import error_for
from dlaunch._native import library_path

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

API_MAJOR, API_MINOR = 1, 1
OK, ERR_INVALID, ERR_CANCELLED = 0, 65, 130
STATES = ("UNKNOWN", "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPED")


def state_name(state: int) -> str:
    """DL_STATE_* as the CLI says it; a state of a newer library is UNKNOWN, as the header asks."""
    return STATES[state] if 0 <= state < len(STATES) else "UNKNOWN"

JOURNAL_STATES = ("submitting", "submitted", "submit_failed")


def journal_state_name(state: int) -> str:
    """DL_JOURNAL_*; one of a newer library is "unknown"."""
    return JOURNAL_STATES[state] if 0 <= state < len(JOURNAL_STATES) else "unknown"


def _sized(struct: type[Structure], last_field: str) -> int:
    """DL_STRUCT_SIZE: the bytes up to and including the last field of a version (never sizeof)."""
    field = getattr(struct, last_field)
    return int(field.offset + field.size)


class SessionOptions(Structure):
    _fields_ = [("struct_size", c_size_t), ("api_major", c_uint32), ("api_minor", c_uint32),
                ("plugin_dirs", POINTER(c_char_p)), ("plugin_dir_count", c_size_t), ("config_file", c_char_p),
                ("state_dir", c_char_p)]


class JobSource(Structure):
    _fields_ = [("struct_size", c_size_t), ("file", c_char_p), ("text", c_char_p),
                ("overrides", POINTER(c_char_p)), ("override_count", c_size_t),
                ("driver_args", POINTER(c_char_p)), ("driver_arg_count", c_size_t)]


class DiagnosticStruct(Structure):
    _fields_ = [("struct_size", c_size_t), ("severity", c_int32), ("file", c_char_p), ("line", c_uint32),
                ("column", c_uint32), ("path", c_char_p), ("message", c_char_p), ("hint", c_char_p)]


class JobStatusStruct(Structure):
    _fields_ = [("struct_size", c_size_t), ("state", c_int32), ("has_exit_code", c_bool), ("exit_code", c_int32),
                ("restarts", c_uint32), ("start_time_ms", c_int64), ("end_time_ms", c_int64), ("name", c_char_p),
                ("native_state", c_char_p), ("message", c_char_p)]


class JournalEntryStruct(Structure):
    _fields_ = [("struct_size", c_size_t), ("handle", c_char_p), ("submission_id", c_char_p),
                ("platform", c_char_p), ("name", c_char_p), ("spec_file", c_char_p), ("sweep", c_char_p),
                ("error", c_char_p), ("journal_state", c_int32), ("has_state", c_bool), ("state", c_int32),
                ("submitted_ms", c_int64), ("state_unknown", c_bool)]


class PluginInfoStruct(Structure):
    _fields_ = [("struct_size", c_size_t), ("id", c_char_p), ("version", c_char_p), ("description", c_char_p),
                ("directory", c_char_p), ("abi_major", c_uint32), ("abi_minor", c_uint32)]


SIZES = {
    SessionOptions: _sized(SessionOptions, "state_dir"),
    JobSource: _sized(JobSource, "driver_arg_count"),
    DiagnosticStruct: _sized(DiagnosticStruct, "hint"),
    JobStatusStruct: _sized(JobStatusStruct, "message"),
    JournalEntryStruct: _sized(JournalEntryStruct, "state_unknown"),
    PluginInfoStruct: _sized(PluginInfoStruct, "abi_minor"),
}

# `line` is a void pointer, not c_char_p: it may be NULL (an idle tick) and its length is given.
LINE_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)
WAIT_FN = CFUNCTYPE(c_int, c_void_p, POINTER(JobStatusStruct))

_session_p, _job_p = c_void_p, c_void_p
_PROTOTYPES: dict[str, tuple[Any, list[Any]]] = {
    "dl_session_open": (c_int32, [POINTER(SessionOptions), POINTER(_session_p)]),
    "dl_session_close": (None, [_session_p]),
    "dl_last_error": (c_char_p, [_session_p]),
    "dl_last_error_code": (c_char_p, [_session_p]),
    "dl_session_cancel": (None, [_session_p]),
    "dl_job_load": (c_int32, [_session_p, POINTER(JobSource), POINTER(_job_p)]),
    "dl_job_free": (None, [_job_p]),
    "dl_job_validate": (c_int32, [_job_p, c_char_p]),
    "dl_job_diagnostic_count": (c_size_t, [_job_p]),
    "dl_job_diagnostic": (c_int32, [_job_p, c_size_t, POINTER(DiagnosticStruct)]),
    "dl_job_diagnostics_text": (c_char_p, [_job_p]),
    "dl_job_document": (c_int32, [_job_p, POINTER(c_char_p)]),
    "dl_job_dry_run": (c_int32, [_job_p, POINTER(c_char_p)]),
    "dl_job_submit": (c_int32, [_job_p, POINTER(c_char_p)]),
    "dl_handle_status": (c_int32, [_session_p, c_char_p, POINTER(JobStatusStruct)]),
    "dl_handle_wait": (c_int32, [_session_p, c_char_p, WAIT_FN, c_void_p, POINTER(JobStatusStruct),
                                 POINTER(c_int32)]),
    "dl_handle_logs": (c_int32, [_session_p, c_char_p, c_bool, LINE_FN, c_void_p]),
    "dl_handle_stop": (c_int32, [_session_p, c_char_p]),
    "dl_handle_delete": (c_int32, [_session_p, c_char_p]),
    "dl_list": (c_int32, [_session_p, c_char_p, c_size_t, POINTER(c_size_t)]),
    "dl_list_entry": (c_int32, [_session_p, c_size_t, POINTER(JournalEntryStruct)]),
    "dl_list_warning_count": (c_size_t, [_session_p]),
    "dl_list_warning": (c_char_p, [_session_p, c_size_t]),
    "dl_plugins": (c_int32, [_session_p, POINTER(c_size_t)]),
    "dl_plugin": (c_int32, [_session_p, c_size_t, POINTER(PluginInfoStruct)]),
    "dl_version": (c_char_p, []),
}


def _load() -> ctypes.CDLL:
    path = library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as error:
        raise ImportError(f"dlaunch: cannot load its native library {path}: {error}") from error
    for name, (restype, argtypes) in _PROTOTYPES.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


lib = _load()


def text(value: bytes | None) -> str:
    """A string the library handed out (never NULL by contract; "" all the same if it were)."""
    return value.decode("utf-8", "replace") if value else ""


def new(struct: type[Structure]) -> Any:
    """A struct to be filled by the library, its struct_size set to the version this module knows."""
    value = struct()
    value.struct_size = SIZES[struct]
    return value


def c_strings(values: Sequence[str]) -> Any:
    """A C array of the strings (NULL when there are none), for the call it is passed to."""
    return (c_char_p * len(values))(*(v.encode() for v in values)) if values else None


class Session:
    """A dl_session. The library lets one thread at a time use a session: every call takes ``lock``, except
    ``cancel``, which the library allows from any thread. A blocking call (wait, follow) gets a session of its
    own, so that other threads go on with the shared one meanwhile."""

    def __init__(self) -> None:
        options = new(SessionOptions)
        options.api_major, options.api_minor = API_MAJOR, API_MINOR
        self.lock = threading.RLock()
        # Calls running on a worker thread (call_interruptibly), which close waits for: a worker may outlive
        # the call that started it when Ctrl-C lands while the thread starts.
        self._workers = threading.Condition()
        self._working = 0
        self._closed = False
        self.pointer = _session_p()
        status = lib.dl_session_open(byref(options), byref(self.pointer))
        if status != OK:
            error = self.error(status)
            self.close()
            raise error

    def close(self) -> None:
        with self.lock:
            with self._workers:
                self._closed = True
                while self._working:  # cancelled, it ends soon; the session must outlive it
                    lib.dl_session_cancel(self.pointer)
                    self._workers.wait(0.1)
            if self.pointer and lib is not None:  # lib is None when the interpreter is being torn down
                lib.dl_session_close(self.pointer)
                self.pointer = _session_p()

    def __del__(self) -> None:
        self.close()

    def error(self, status: int) -> Exception:
        """The exception for a failed call on this session, in dlaunch's words."""
        return error_for(status, text(lib.dl_last_error(self.pointer)), text(lib.dl_last_error_code(self.pointer)))

    def check(self, status: int) -> None:
        if status != OK:
            raise self.error(status)

    def call(self, name: str, *args: Any) -> None:
        """Calls a dl_status function whose first argument is the session; raises when it fails."""
        with self.lock:
            self.check(getattr(lib, name)(self.pointer, *args))

    def cancel(self) -> None:
        lib.dl_session_cancel(self.pointer)

    def call_interruptibly(self, name: str, *args: Any) -> None:
        """``call`` for a function that may block without calling back (dl_list asks every platform): it runs
        on a worker thread while this one waits, where Ctrl-C (KeyboardInterrupt) lands; the interrupt cancels
        the call, which ends soon after, and goes on up."""
        returned: list[int] = []
        function = getattr(lib, name)

        def work() -> None:
            with self._workers:
                if self._closed:
                    return
                self._working += 1
            try:
                returned.append(function(self.pointer, *args))
            finally:
                with self._workers:
                    self._working -= 1
                    self._workers.notify_all()

        worker = threading.Thread(target=work, name=f"dlaunch {name}", daemon=True)
        with self.lock:
            try:
                worker.start()
                while worker.is_alive():
                    worker.join(0.1)
            except BaseException:
                self.cancel()
                join_through_interrupts(worker)
                raise
            self.check(returned[0] if returned else ERR_CANCELLED)


def join_through_interrupts(worker: threading.Thread) -> bool:
    """Waits until `worker` has ended, even through further Ctrl-C: the session its call uses must outlive
    that call (closing it sooner frees what the call still reads). True when a Ctrl-C came meanwhile."""
    interrupted = False
    while worker.is_alive():
        try:
            worker.join()
        except KeyboardInterrupt:
            interrupted = True
    return interrupted


_shared: Session | None = None
_shared_lock = threading.Lock()


def shared_session() -> Session:
    """The process's session for the calls that return at once."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Session()
        return _shared


class Interruptible:
    """Ctrl-C during a blocking C call (wait, logs) on the main thread. Python would raise KeyboardInterrupt
    in the next Python code that runs, which may be the entry of a ctypes callback, where ctypes prints it and
    drops it. So, for the call, SIGINT only sets ``interrupted``, which the callbacks see (they come at least
    every 200 ms) and which makes them end the call; ``check()``, after the call, hands the signal to the
    handler that was there before (KeyboardInterrupt, by default).

    A SIGINT handler installed from C (an embedding program's: Python reports it as None) is left in place:
    Python could not put it back afterwards. Ctrl-C is then that program's business, as it was before."""

    def __init__(self) -> None:
        self.interrupted = False
        self._installed = False
        self._previous: Any = None

    def __enter__(self) -> Interruptible:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if previous is not None:
                self._previous = signal.signal(signal.SIGINT, self._on_sigint)
                self._installed = True
        return self

    def _on_sigint(self, _signum: int, _frame: Any) -> None:
        self.interrupted = True

    def _restore(self) -> None:
        if self._installed:
            self._installed = False
            # None: the handler was replaced from C meanwhile; the default is all Python can put back.
            signal.signal(signal.SIGINT, signal.SIG_DFL if self._previous is None else self._previous)

    def check(self) -> None:
        """Raises the Ctrl-C that came during the call (its handler runs as this Python call starts)."""
        if self.interrupted and self._installed:
            self._restore()
            previous = self._previous
            if callable(previous):
                previous(signal.SIGINT, None)
            elif previous != signal.SIG_IGN:
                raise KeyboardInterrupt

    def __exit__(self, *_: object) -> None:
        self._restore()


def guarded(callback: Callable[..., int]) -> tuple[Callable[..., int], list[BaseException]]:
    """Wraps a Python callback for C: an exception raised in it is kept and ends the C call (nonzero), instead
    of being printed and lost by ctypes; the caller raises it once the call has returned."""
    raised: list[BaseException] = []

    def wrapper(*args: Any) -> int:
        if raised:
            return 1
        try:
            return callback(*args)
        except BaseException as error:  # noqa: BLE001 - raised again by the caller, after the C call
            raised.append(error)
            return 1

    return wrapper, raised
