"""What this machine knows: the jobs dlaunch submitted (its journal), and the installed platform plugins."""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: typing costs `import dlaunch` more than all the rest (type checkers
# know the name).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from dlaunch._handle import Handle


class JournalEntry:
    """A job of the journal, as a line of ``dlaunch list``."""

    __slots__ = ("handle", "submission_id", "platform", "name", "spec_file", "sweep", "error", "journal_state",
                 "state", "submitted_ms")

    def __init__(self, out: Any) -> None:
        from dlaunch import _capi
        from dlaunch._handle import Handle

        handle = _capi.text(out.handle)
        #: The job's Handle; None until the platform took it.
        self.handle: Handle | None = Handle(handle) if handle else None
        self.submission_id = _capi.text(out.submission_id)
        self.platform = _capi.text(out.platform)
        self.name = _capi.text(out.name)
        #: The absolute path of the spec; "" for a job built in Python or given as text.
        self.spec_file = _capi.text(out.spec_file)
        #: "sweep:ID" for a job of a sweep, else "".
        self.sweep = _capi.text(out.sweep)
        #: Why the submit failed (journal_state "submit_failed"), else "".
        self.error = _capi.text(out.error)
        #: "submitting", "submitted" or "submit_failed" ("unknown" from a newer library).
        self.journal_state = _capi.journal_state_name(out.journal_state)
        #: The state now ("RUNNING", ...); "UNKNOWN" when the platform could not be asked (a RuntimeWarning of
        #: ``list`` says why); None when the platform no longer has the job, or never got it.
        self.state: str | None = ("UNKNOWN" if out.state_unknown else
                                  _capi.state_name(out.state) if out.has_state else None)
        #: Unix epoch milliseconds of the submit.
        self.submitted_ms: int = out.submitted_ms

    def __repr__(self) -> str:
        return f"JournalEntry({str(self.handle or '')!r}, {self.name!r}, {self.journal_state}, state={self.state})"


class PluginInfo:
    """An installed platform plugin, as a line of ``dlaunch plugins list``."""

    __slots__ = ("id", "version", "description", "directory", "abi")

    def __init__(self, out: Any) -> None:
        from dlaunch import _capi

        self.id = _capi.text(out.id)
        self.version = _capi.text(out.version)
        self.description = _capi.text(out.description)
        #: Where its manifest (plugin.json) is.
        self.directory = _capi.text(out.directory)
        #: The plugin ABI it was built for, (major, minor).
        self.abi: tuple[int, int] = (out.abi_major, out.abi_minor)

    def __repr__(self) -> str:
        return f"PluginInfo({self.id!r}, {self.version!r})"


def list_jobs(platform: str | None = None, limit: int = 0) -> list[JournalEntry]:
    """The jobs dlaunch submitted from this machine, newest first, as ``dlaunch list``: only ``platform``'s
    when given, at most ``limit`` (0: all), each with its state now (each platform asked once). A platform
    that cannot be asked gives its jobs the state "UNKNOWN" and a RuntimeWarning that says why.

    Asking the platforms may take a while: it runs on a session of its own, so that other threads go on with
    the shared one, and Ctrl-C (KeyboardInterrupt) ends it at once."""
    import warnings

    from dlaunch import _capi

    count = _capi.c_size_t()
    out = _capi.new(_capi.JournalEntryStruct)
    session = _capi.Session()
    try:
        session.call_interruptibly("dl_list", platform.encode() if platform else None, limit, _capi.byref(count))
        entries = []
        for index in range(count.value):
            session.call("dl_list_entry", index, _capi.byref(out))
            entries.append(JournalEntry(out))
        for index in range(_capi.lib.dl_list_warning_count(session.pointer)):
            warnings.warn(f"dlaunch: {_capi.text(_capi.lib.dl_list_warning(session.pointer, index))}",
                          RuntimeWarning, stacklevel=2)
    finally:
        session.close()
    return entries


def plugins() -> list[PluginInfo]:
    """The installed platform plugins, as ``dlaunch plugins list`` (read from their manifests)."""
    from dlaunch import _capi

    session = _capi.shared_session()
    count = _capi.c_size_t()
    out = _capi.new(_capi.PluginInfoStruct)
    with session.lock:
        session.call("dl_plugins", _capi.byref(count))
        found = []
        for index in range(count.value):
            session.call("dl_plugin", index, _capi.byref(out))
            found.append(PluginInfo(out))
    return found


def version() -> str:
    """The release of the native library, e.g. "1.0.0"."""
    from dlaunch import _capi

    return _capi.text(_capi.lib.dl_version())
