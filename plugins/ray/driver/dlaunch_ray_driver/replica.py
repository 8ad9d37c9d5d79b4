"""One replica of a role: a Ray actor that runs the role's entrypoint as a subprocess and keeps its output."""
import collections
import ctypes
import os
import signal
import socket
import subprocess
import tempfile
import threading

import ray

from .launch import Node
from .plan import PLAN_VARIABLE

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)  # looked up before fork: preexec_fn should do as little as it can


def _die_with_parent():
    # A replica's process must not outlive its actor: Ray kills the actors when the driver ends or is stopped.
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@ray.remote
class Replica:
    def __init__(self):
        self._process = None
        self._reader = None
        self._lines = collections.deque()
        self._config_file = None

    def prepare(self, config):
        """Writes the job's config where this replica's processes read it, and says where the actor runs."""
        fd, self._config_file = tempfile.mkstemp(prefix="dlaunch-", suffix=".config.json")
        with os.fdopen(fd, "w") as f:
            f.write(config + "\n")
        return Node(ray.util.get_node_ip_address(), [str(gpu) for gpu in ray.get_gpu_ids()], self._config_file)

    def remove_files(self):
        if self._config_file is not None:
            os.unlink(self._config_file)
            self._config_file = None

    def address(self):
        """This node's IP and a free TCP port on it: MASTER_ADDR and MASTER_PORT when this is rank 0."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("", 0))
            port = s.getsockname()[1]
        return ray.util.get_node_ip_address(), port

    def start(self, argv, env):
        """Starts the replica's process; again for each attempt of the job (the previous one has ended)."""
        environment = dict(os.environ)
        environment.pop(PLAN_VARIABLE, None)
        environment.update(env)
        self._process = subprocess.Popen(
            argv,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so terminate() reaches its children too
            preexec_fn=_die_with_parent,
        )
        # Each process has its own queue: a reader of an earlier attempt can never add to this one's.
        self._lines = collections.deque()
        self._reader = threading.Thread(target=self._read, args=(self._process.stdout, self._lines), daemon=True)
        self._reader.start()

    @staticmethod
    def _read(stream, lines):
        for raw in iter(stream.readline, b""):
            lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))

    def restart(self, argv, env, grace_seconds):
        """Stops the replica's process (if it still runs) and starts it again. Returns the old process's
        output lines that no poll has handed over yet."""
        self.terminate(grace_seconds)
        self._reader.join(grace_seconds)  # a child that left the group may keep the pipe open
        lines = list(self._lines)
        self.start(argv, env)
        return lines

    def poll(self):
        """The output lines since the last poll, and the exit code once the process ended and all its output
        was read (else None): negative for a process killed by a signal, as subprocess reports it."""
        finished = not self._reader.is_alive()
        lines = []
        while self._lines:
            lines.append(self._lines.popleft())
        if not finished:
            return lines, None
        return lines, self._process.wait()

    def terminate(self, grace_seconds):
        """SIGTERM to the replica's process group, SIGKILL after the grace period: also what its process
        left behind when it ended itself."""
        if self._process is None:
            return
        try:
            os.killpg(self._process.pid, signal.SIGTERM)
            self._process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        except ProcessLookupError:  # the group is empty
            pass
