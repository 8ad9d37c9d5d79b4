"""dlaunch: launch distributed deep-learning jobs on this machine, Ray, Slurm or Kubernetes.

Build a job, run it, follow it::

    import dlaunch

    job = dlaunch.Job("hello").role("worker", "echo rank $RANK of $WORLD_SIZE", replicas=2)
    handle = job.run(platform="local")
    for line in handle.logs(follow=True):
        print(line)
    print(handle.wait())

The job model, its checks and the platforms are dlaunch's own native core (libdlaunch, bundled), so a job
behaves here exactly as with the ``dlaunch`` command (``python -m dlaunch``). See docs/python.md.
"""

from __future__ import annotations

from dlaunch._catalog import JournalEntry, PluginInfo, plugins, version
from dlaunch._catalog import list_jobs as list  # noqa: A001 - dlaunch.list mirrors `dlaunch list`
from dlaunch._errors import (Diagnostic, DlaunchError, NotFound, PluginError, Refused, SpecError, SpecUnreadable,
                             SpecWarning, TemporaryFailure, Unauthorized, Unreachable, UsageError)
from dlaunch._handle import Handle, JobStatus
from dlaunch._job import Job

__all__ = [
    "Diagnostic", "DlaunchError", "Handle", "Job", "JobStatus", "JournalEntry", "NotFound", "PluginError",
    "PluginInfo", "Refused", "SpecError", "SpecUnreadable", "SpecWarning", "TemporaryFailure", "Unauthorized",
    "Unreachable", "UsageError", "list", "plugins", "version",
]
