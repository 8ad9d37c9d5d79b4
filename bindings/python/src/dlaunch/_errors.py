"""Errors by cause. Each carries the exit code ``dlaunch`` ends with for the same failure (docs/cli.md), so a
script may ``sys.exit(error.exit_code)``, and the stable word of ``dlaunch -o json`` errors as ``code``."""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: typing costs `import dlaunch` more than all the rest (type checkers
# know the name).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Sequence


class DlaunchError(Exception):
    """Base of every error dlaunch raises; ``str()`` is dlaunch's message."""

    exit_code: int = 70

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        #: The cause as a stable word: "not_found", "unavailable", "invalid_argument", ...
        self.code = code


class Refused(DlaunchError):
    """The platform refused the operation in the job's state (delete of a running job), or does not offer it."""

    exit_code = 1


class NotFound(Refused):
    """No such job."""


class UsageError(DlaunchError):
    """A malformed call: a bad handle, an unknown platform, a sweep given to the API."""

    exit_code = 64


class Diagnostic:
    """One finding of a validation, located in the spec: ``file:line:column`` and the key path."""

    __slots__ = ("severity", "file", "line", "column", "key_path", "message", "hint")

    def __init__(self, severity: str, file: str, line: int, column: int, key_path: str, message: str,
                 hint: str) -> None:
        #: "error" or "warning".
        self.severity = severity
        #: The spec file as given, ``<override N>`` for an override, ``<job NAME>`` for a built job; "" if unknown.
        self.file = file
        #: From 1; 0 when unknown.
        self.line = line
        #: From 1; 0 when unknown.
        self.column = column
        #: Where in the job, e.g. ``roles[0].resources.memory``; "" for the whole spec.
        self.key_path = key_path
        self.message = message
        #: A suggestion such as "did you mean 'replicas'?"; "" when there is none.
        self.hint = hint

    def __repr__(self) -> str:
        return (f"Diagnostic({self.severity!r}, {self.file!r}, {self.line}, {self.column}, {self.key_path!r}, "
                f"{self.message!r}, {self.hint!r})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Diagnostic) and all(getattr(self, a) == getattr(other, a) for a in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


class SpecError(DlaunchError):
    """The spec (or the configuration) is invalid; nothing was submitted.

    ``str()`` shows every finding compiler-style, as ``dlaunch validate`` prints them; ``diagnostics`` holds
    them one by one (warnings included)."""

    exit_code = 65

    def __init__(self, message: str, code: str = "", diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message, code)
        self.diagnostics: list[Diagnostic] = [*diagnostics]


class SpecWarning(UserWarning):
    """A warning of the validation of a job that was submitted all the same; ``diagnostic`` locates it."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}: warning: "
                         f"{diagnostic.message} (at {diagnostic.key_path})")
        self.diagnostic = diagnostic


class SpecUnreadable(DlaunchError):
    """The spec file is missing or unreadable."""

    exit_code = 66


class Unreachable(DlaunchError):
    """The platform cannot be reached."""

    exit_code = 69


class PluginError(DlaunchError):
    """A plugin misbehaved, or dlaunch itself failed (its journal cannot be written)."""

    exit_code = 70


class TemporaryFailure(DlaunchError):
    """Worth retrying later."""

    exit_code = 75


class Unauthorized(DlaunchError):
    """Credentials missing or refused by the platform."""

    exit_code = 77


_BY_EXIT_CODE: dict[int, type[DlaunchError]] = {
    cls.exit_code: cls
    for cls in (Refused, UsageError, SpecError, SpecUnreadable, Unreachable, PluginError, TemporaryFailure,
                Unauthorized)
}


def error_for(status: int, message: str, code: str) -> DlaunchError:
    """The exception for a failed call of the C API (its status is the CLI's exit code)."""
    if status == Refused.exit_code and code == "not_found":
        return NotFound(message, code)
    return _BY_EXIT_CODE.get(status, PluginError)(message, code)
