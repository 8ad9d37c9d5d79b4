"""The wheel (scripts/wheel.sh, the PythonWheel fixture) installed into a fresh virtual environment, used
there with no build tree in sight, and self-contained: every shared library its binaries load is in the wheel
or is one of the system's core libraries below."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

# glibc (with its loader, libresolv among its parts), the C++ runtime (libstdc++, libgcc_s), and zlib: what
# every glibc Linux has, and what auditwheel's manylinux policies let a wheel take from the system. Anything
# else must come from the wheel itself (auditwheel copied the rest into dlaunch.libs/).
SYSTEM_CORE = {"linux-vdso.so.1", "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2",
               "librt.so.1", "libresolv.so.2", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1"}

SCRIPT = textwrap.dedent("""\
    import sys
    import dlaunch

    platform = sys.argv[1] if len(sys.argv) > 1 else "local"
    job = dlaunch.Job("hello").role("worker", 'echo "rank $RANK of $WORLD_SIZE"', replicas=2, per_node=2)
    handle = job.run(platform=platform)
    for line in handle.logs(follow=True):
        print(line)
    print("exit code", handle.wait())
""")


@pytest.fixture(scope="module")
def venv() -> Iterator[Path]:
    wheels = glob.glob(os.path.join(os.environ["DLAUNCH_WHEEL_DIR"], "dlaunch-*.whl"))
    assert len(wheels) == 1, f"expected one wheel, found {wheels}"
    with tempfile.TemporaryDirectory(prefix="dlaunch-wheel-venv-") as directory:
        root = Path(directory)
        subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
        subprocess.run([str(root / "bin" / "pip"), "install", "--quiet", "--no-index",
                        "--disable-pip-version-check", wheels[0]], check=True)
        yield root


def _clean_env(tmp: Path) -> dict[str, str]:
    """No trace of the build tree: the package must find everything in itself."""
    env = {k: v for k, v in os.environ.items() if k not in ("DLAUNCH_NATIVE_DIR", "PYTHONPATH", "LD_LIBRARY_PATH")}
    env.update(XDG_STATE_HOME=str(tmp / "state"), XDG_CONFIG_HOME=str(tmp / "config"))
    return env


def test_the_installed_wheel_runs_a_two_replica_local_job(venv: Path, tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text(SCRIPT)
    done = subprocess.run([str(venv / "bin" / "python"), "hello.py"], cwd=tmp_path, env=_clean_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sorted(lines[:2]) == ["[worker/0] rank 0 of 2", "[worker/1] rank 1 of 2"]
    assert lines[2:] == ["exit code 0"]
    cli = subprocess.run([str(venv / "bin" / "python"), "-m", "dlaunch", "plugins", "list"], cwd=tmp_path,
                         env=_clean_env(tmp_path), capture_output=True, text=True, check=True)
    installed = str(next(venv.glob("lib/python3*/site-packages")))
    for plugin in ("local", "ray", "slurm", "kubernetes"):
        assert any(line.split()[0] == plugin and installed in line for line in cli.stdout.splitlines()[1:]), (
            plugin, cli.stdout)


def _elf_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.open("rb").read(4) == b"\x7fELF"]


def test_every_elf_of_the_wheel_needs_only_the_wheel_and_the_system_s_core_libraries(venv: Path) -> None:
    site = next(venv.glob("lib/python3*/site-packages"))
    package_dirs = [site / "dlaunch", site / "dlaunch.libs"]
    elves = [elf for d in package_dirs if d.exists() for elf in _elf_files(d)]
    names = {elf.name for elf in elves}
    assert {"dlaunch", "libdlaunch.so", "libdlaunch-local.so", "libdlaunch-ray.so"} <= names, names
    outside = []
    for elf in elves:
        ldd = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
        assert ldd.returncode == 0 and "not found" not in ldd.stdout, (elf, ldd.stdout)
        for line in ldd.stdout.splitlines():
            name, _, target = line.strip().partition(" => ")
            path = target.split(" (")[0] if target else name.split(" (")[0]
            name = os.path.basename(name.split(" (")[0])
            if name in SYSTEM_CORE:
                continue
            if not any(Path(path).resolve().is_relative_to(d) for d in package_dirs):
                outside.append(f"{elf.relative_to(site)} needs {path}")
    assert outside == []
