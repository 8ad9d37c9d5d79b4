"""Where the native half of the package is: libdlaunch, the dlaunch executable and the plugins.

The wheel carries them in dlaunch's install layout under ``dlaunch/_native`` (bin/dlaunch, lib/libdlaunch.so,
lib/dlaunch/plugins/<id>/), and libdlaunch finds the plugins beside itself. ``DLAUNCH_NATIVE_DIR`` names
another tree of the same layout, such as a build directory, which the tests use.
"""

from __future__ import annotations

import os


def native_dir() -> str:
    """The root of the native tree this package uses."""
    return os.environ.get("DLAUNCH_NATIVE_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "_native")


def library_path() -> str:
    """libdlaunch.so, the C client API (core/include/dlaunch/client.h)."""
    return os.path.join(native_dir(), "lib", "libdlaunch.so")


def cli_path() -> str:
    """The dlaunch executable that ``python -m dlaunch`` runs."""
    return os.path.join(native_dir(), "bin", "dlaunch")
