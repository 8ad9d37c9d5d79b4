"""``python -m dlaunch ARGS...`` is the bundled ``dlaunch ARGS...`` (the process is replaced, so its exit code,
signals and terminal are the command's own)."""

from __future__ import annotations

import os
import sys

from dlaunch._native import cli_path


def main() -> None:
    path = cli_path()
    try:
        os.execv(path, ["dlaunch", *sys.argv[1:]])
    except OSError as error:
        sys.exit(f"dlaunch: cannot run {path}: {error.strerror}")


if __name__ == "__main__":
    main()
