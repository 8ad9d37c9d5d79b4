"""Job: a job spec built in Python, or read from a file, that the core validates and submits.

The builder only writes down what it is told: the keys of docs/job-spec.md, as the spec's JSON text
(``spec_text()``). Defaults, checks and normalization are the core's (through libdlaunch), so a built job and
the same job written in TOML are one job: the same diagnostics, the same normalized document.
"""

from __future__ import annotations

import os
# Not `from typing import TYPE_CHECKING`: typing costs `import dlaunch` more than all the rest (type checkers
# know the name).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from typing import Any

    from dlaunch._errors import Diagnostic
    from dlaunch._handle import Handle


def _given(**keys: Any) -> dict[str, Any]:
    """The keys that were given (None means "not set": the core's default applies)."""
    return {key: value for key, value in keys.items() if value is not None}


def _toml_value(value: Any) -> str:
    """A Python value as the TOML value an override (``--set KEY=VALUE``) takes. Strings are always quoted, so
    "4" stays a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        import json  # a JSON string with \\, \" and \uXXXX escapes is a TOML basic string

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_value(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"dlaunch: an override value must be a bool, number, string, list or dict, not {value!r}")


class Job:
    """A distributed job: its roles, their replicas, what they run and need.

    Build it like DLRover's job builder::

        job = (dlaunch.Job("mnist", node_num=1)
               .role("trainer", ["python3", "train.py"], replicas=2, per_node=2,
                     resources={"cpu": 1, "memory": "512Mi"})
               .failover(max_restarts=2))
        handle = job.run(platform="local")

    or read a spec file with ``Job.from_file``. Every keyword is a key of docs/job-spec.md; one left out (None)
    takes dlaunch's default.
    """

    def __init__(self, name: str | None = None, *, node_num: int | None = None,
                 device_per_node: int | None = None, device_type: str | None = None,
                 working_dir: str | None = None, env: Mapping[str, str] | None = None,
                 labels: Mapping[str, str] | None = None, start_timeout: str | int | None = None,
                 priority: str | None = None, config: Mapping[str, Any] | None = None,
                 platform: str | None = None) -> None:
        self._spec: dict[str, Any] | None = _given(
            name=name, platform=platform, node_num=node_num, device_per_node=device_per_node,
            device_type=device_type, working_dir=working_dir, env=None if env is None else dict(env),
            labels=None if labels is None else dict(labels), start_timeout=start_timeout, priority=priority,
            config=None if config is None else dict(config))
        self._platform_tables: dict[str, dict[str, Any]] = {}
        self._file: str | None = None
        self._text: str | None = None
        self._overrides: list[str] = []

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None) -> Job:
        """The job of a TOML or JSON spec file (JSON when its name ends in .json), read when it is validated.

        ``overrides`` are ``--set KEY=VALUE`` s: ``{"roles.trainer.replicas": 4, "env.SEED": "7"}``; each is
        checked like the file, and its diagnostics point into ``<override N>``."""
        job = cls()
        job._spec, job._file = None, os.fspath(path)
        return job.set(overrides or {})

    @classmethod
    def from_text(cls, text: str, overrides: Mapping[str, Any] | None = None) -> Job:
        """The job of a spec given as text: TOML, or JSON when it starts with ``{``. Relative paths in it
        (``working_dir``) are relative to the current directory; diagnostics name it ``<text>``."""
        job = cls()
        job._spec, job._text = None, text
        return job.set(overrides or {})

    def role(self, name: str, entrypoint: str | Sequence[str] | Mapping[str, Any], *,
             replicas: int | None = None, per_node: int | None = None, min_replicas: int | None = None,
             resources: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None,
             driver: bool | None = None, max_restarts: int | None = None, launcher: str | None = None,
             nproc_per_node: int | None = None, rdzv_backend: str | None = None,
             rdzv_port: int | None = None) -> Job:
        """Adds a role. ``entrypoint`` is an argv list, a string run by ``/bin/sh -c``, or
        ``{"module": "pkg.train", "args": [...]}``; ``resources`` is per replica:
        ``{"cpu": 1, "gpu": 0, "memory": "512Mi"}``. Returns the job, to chain calls."""
        spec = self._built("role")
        if not isinstance(entrypoint, str) and not hasattr(entrypoint, "keys"):
            entrypoint = list(entrypoint)
        spec.setdefault("roles", []).append(_given(
            name=name, entrypoint=entrypoint, replicas=replicas, per_node=per_node, min_replicas=min_replicas,
            resources=None if resources is None else dict(resources), env=None if env is None else dict(env),
            driver=driver, max_restarts=max_restarts, launcher=launcher, nproc_per_node=nproc_per_node,
            rdzv_backend=rdzv_backend, rdzv_port=rdzv_port))
        return self

    def failover(self, *, max_restarts: int | None = None, scope: str | None = None) -> Job:
        """How many restarts a failure may cause, and what one restarts: "job", "role" or "replica"."""
        self._built("failover")["failover"] = _given(max_restarts=max_restarts, scope=scope)
        return self

    def platform_options(self, platform: str, **options: Any) -> Job:
        """The ``[platform.<id>]`` table: options of one platform, checked by its plugin."""
        self._built("platform_options")
        self._platform_tables[platform] = options
        return self

    def set(self, overrides: Mapping[str, Any]) -> Job:
        """Adds overrides, as ``dlaunch run --set KEY=VALUE``, applied after the spec in order."""
        self._overrides += [f"{key}={_toml_value(value)}" for key, value in overrides.items()]
        return self

    def spec_text(self) -> str:
        """The spec as the core reads it: the JSON text of a built job, the text or the file's content."""
        if self._file is not None:
            with open(self._file, encoding="utf-8") as file:
                return file.read()
        if self._spec is None:
            return self._text or ""
        import json

        spec = self._spec
        if self._platform_tables:  # `platform` is then the table of option tables, naming the platform inside
            name = {"name": spec["platform"]} if "platform" in spec else {}
            spec = {**spec, "platform": {**name, **self._platform_tables}}
        return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"

    def validate(self, platform: str | None = None, options: Mapping[str, Any] | None = None) -> list[Diagnostic]:
        """Checks the job for ``platform`` (None: the spec's own, else "local") as ``dlaunch validate`` does,
        the platform's plugin included. Raises SpecError with every finding when one is an error; returns the
        warnings otherwise. ``options`` are the platform's options (``{"address": "http://head:8265"}``)."""
        with self._validated(platform, options) as checked:
            return checked.diagnostics

    def document(self, platform: str | None = None, options: Mapping[str, Any] | None = None) -> str:
        """The normalized job document (docs/job-document.md): the JSON the platform is handed."""
        with self._validated(platform, options) as checked:
            return checked.text("dl_job_document")

    def dry_run(self, platform: str | None = None, options: Mapping[str, Any] | None = None) -> str:
        """What would be sent to the platform, as ``dlaunch run --dry-run`` prints it; sends nothing."""
        with self._validated(platform, options) as checked:
            return checked.text("dl_job_dry_run")

    def run(self, platform: str | None = None, options: Mapping[str, Any] | None = None,
            args: Sequence[str] = ()) -> Handle:
        """Validates and submits the job, as ``dlaunch run``; returns its Handle at once (``.wait()`` waits).
        ``args`` are appended to the driver role's entrypoint (``dlaunch run SPEC -- ARGS``). Warnings are
        issued as SpecWarning; errors raise SpecError and nothing is submitted."""
        from dlaunch._handle import Handle

        with self._validated(platform, options, args) as checked:
            if checked.diagnostics:
                import warnings

                from dlaunch._errors import SpecWarning

                for warning in checked.diagnostics:
                    warnings.warn(SpecWarning(warning), stacklevel=2)
            return Handle(checked.text("dl_job_submit"))

    def __repr__(self) -> str:
        if self._file is not None:
            return f"Job.from_file({self._file!r}, overrides={self._overrides!r})"
        if self._spec is None:
            return f"Job.from_text({self._text!r}, overrides={self._overrides!r})"
        roles = [role.get("name") for role in self._spec.get("roles", [])]
        return f"Job({self._spec.get('name')!r}, roles={roles!r})"

    def _built(self, method: str) -> dict[str, Any]:
        if self._spec is None:
            raise TypeError(f"dlaunch: Job.{method}() builds a job; a job from a spec changes through .set()")
        return self._spec

    def _validated(self, platform: str | None, options: Mapping[str, Any] | None,
                   args: Sequence[str] = ()) -> _Checked:
        if options:
            if not platform:
                raise TypeError("dlaunch: options are a platform's: give platform= with them")
            overrides = self._overrides + [f"platform.{platform}.{key}={_toml_value(value)}"
                                           for key, value in options.items()]
        else:
            overrides = self._overrides
        if self._spec is None:
            return _Checked(self._file, self._text, overrides, args, platform)
        return _Checked(f"<job {self._spec.get('name', '')}>", self.spec_text(), overrides, args, platform)


class _Checked:
    """A dl_job of the shared session, validated: its warnings, or SpecError for its errors. Freed on exit."""

    def __init__(self, file: str | None, spec: str | None, overrides: Sequence[str], args: Sequence[str],
                 platform: str | None) -> None:
        from dlaunch import _capi

        self._capi = _capi
        self._session = _capi.shared_session()
        self._session.lock.acquire()
        self._job = _capi.c_void_p()
        try:
            self._validate(file, spec, overrides, args, platform)
        except BaseException:
            self.__exit__()
            raise

    def _validate(self, file: str | None, spec: str | None, overrides: Sequence[str], args: Sequence[str],
                  platform: str | None) -> None:
        capi, lib = self._capi, self._capi.lib
        source = capi.new(capi.JobSource)
        source.file = None if file is None else file.encode()
        source.text = None if spec is None else spec.encode()
        source.overrides, source.override_count = capi.c_strings(overrides), len(overrides)
        source.driver_args, source.driver_arg_count = capi.c_strings(args), len(args)
        self._session.check(lib.dl_job_load(self._session.pointer, capi.byref(source), capi.byref(self._job)))
        status = lib.dl_job_validate(self._job, platform.encode() if platform else None)
        found = list(self._diagnostics())
        self.diagnostics = found
        if status != capi.OK:
            error = self._session.error(status)
            if status == capi.ERR_INVALID:
                from dlaunch._errors import SpecError

                # Its message holds the findings compiler-style, as `dlaunch validate` prints them.
                error = SpecError(error.message, error.code, found)
            raise error

    def _diagnostics(self) -> Iterator[Diagnostic]:
        from dlaunch._errors import Diagnostic

        capi = self._capi
        out = capi.new(capi.DiagnosticStruct)
        for index in range(capi.lib.dl_job_diagnostic_count(self._job)):
            self._session.check(capi.lib.dl_job_diagnostic(self._job, index, capi.byref(out)))
            yield Diagnostic("warning" if out.severity == 1 else "error", capi.text(out.file), out.line,
                             out.column, capi.text(out.path), capi.text(out.message), capi.text(out.hint))

    def text(self, function: str) -> str:
        """The text a dl_job_document / dl_job_dry_run / dl_job_submit hands out."""
        out = self._capi.c_char_p()
        self._session.check(getattr(self._capi.lib, function)(self._job, self._capi.byref(out)))
        return self._capi.text(out.value)

    def __enter__(self) -> _Checked:
        return self

    def __exit__(self, *_: object) -> None:
        if self._job:
            self._capi.lib.dl_job_free(self._job)
            self._job = self._capi.c_void_p()
        self._session.lock.release()
