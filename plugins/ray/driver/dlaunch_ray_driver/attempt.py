"""One attempt at running the whole job on a gang: every replica's process started together, watched
together, and every one's output relayed to the end."""
import sys
import time

import ray

from .gang import TERMINATE_GRACE_SECONDS
from .report import how_it_ended, say, shell_exit_code

POLL_SECONDS = 0.2
# How long the replicas still running when the attempt ended get to hand over their last output once they
# are stopped (their readers need a moment after the processes died).
DRAIN_SECONDS = TERMINATE_GRACE_SECONDS + 2


class Attempt:
    def __init__(self, plan, number, gang, stopping):
        self.plan = plan
        self.number = number
        self.gang = gang
        self.stopping = stopping
        self.failure = None  # how the first replica that failed ended: "trainer/1 exited with code 3"
        self.failure_code = 0  # and the exit code it gives the attempt

    def run(self):
        """Returns the attempt's exit code: 0 when every driver role succeeded, else the first failure's."""
        try:
            self._start()
        except ray.exceptions.RayActorError as error:  # an actor died since the last attempt (its node?)
            self.gang.lost = True
            say(f"a replica was lost before it started: {error}")
            return 1
        running, code = self._watch()
        # Every replica's last lines reach the log before the attempt says how it ended, however many
        # replicas ended at the same moment and whatever was still running.
        self._stop_and_drain(running)
        if self.failure is not None:
            say(self.failure)
        return code

    def _start(self):
        """Starts every replica's process, all at once: each role's rank 0 first tells its address."""
        replicas = self.gang.replicas
        addresses = ray.get([replicas[(role.name, 0)].address.remote() for role in self.plan.roles])
        starts = []
        for role, (master_addr, master_port) in zip(self.plan.roles, addresses):
            for rank in range(role.replicas):
                env = {
                    "DLAUNCH_JOB": self.plan.job,
                    "DLAUNCH_ROLE": role.name,
                    "DLAUNCH_RESTART_COUNT": str(self.number),
                    # The name before dlaunch 1.1; deprecated, removed in the release after it.
                    "DLAUNCH_RESTART": str(self.number),
                    "RANK": str(rank),
                    "WORLD_SIZE": str(role.replicas),
                    "LOCAL_RANK": str(rank % role.per_node),
                    "LOCAL_WORLD_SIZE": str(role.per_node),
                    "NODE_RANK": str(rank // role.per_node),
                    "MASTER_ADDR": master_addr,
                    "MASTER_PORT": str(master_port),
                }
                env.update(role.env)
                starts.append(replicas[(role.name, rank)].start.remote(role.entrypoint, env))
        ray.get(starts)

    def _poll(self, running):
        """One round: relays what every running replica wrote since the last round (a poll hands its lines
        over exactly once, so every answer is read, even after a failure) and returns the keys of the
        replicas that ended. Records the attempt's first failure."""
        keys = list(running)
        polls = [self.gang.replicas[key].poll.remote() for key in keys]
        output = []
        ended = []
        for key, poll in zip(keys, polls):
            label = f"{key[0]}/{key[1]}"
            try:
                lines, code = ray.get(poll)
            except ray.exceptions.RayActorError as error:
                output.append(f"[dlaunch] {label} was lost: {error}\n")
                ended.append(key)
                self.gang.lost = True
                self._failed(f"{label} was lost", 1)
                continue
            output.extend(f"[{label}] {line}\n" for line in lines)
            if code is None:
                continue
            ended.append(key)
            if code != 0:
                self._failed(f"{label} {how_it_ended(code)}", shell_exit_code(code))
        sys.stdout.write("".join(output))
        sys.stdout.flush()
        return ended

    def _failed(self, how, code):
        if self.failure is None:
            self.failure, self.failure_code = how, code

    def _watch(self):
        """Polls until the attempt is over. Returns the replicas still running and the attempt's exit code."""
        running = list(self.gang.replicas)  # in the plan's order: the first failure is the lowest rank's
        driver_roles = {role.name for role in self.plan.roles if role.driver}
        while True:
            if self.stopping.is_set():
                return running, 1
            running = _without(running, self._poll(running))
            if self.failure is not None:
                return running, self.failure_code
            if not any(key[0] in driver_roles for key in running):
                return running, 0
            time.sleep(POLL_SECONDS)

    def _stop_and_drain(self, running):
        """Stops the replicas still running and relays their output until each one's is complete."""
        self.gang.terminate(running)
        deadline = time.monotonic() + DRAIN_SECONDS
        while running and time.monotonic() < deadline:
            running = _without(running, self._poll(running))
            if running:
                time.sleep(POLL_SECONDS / 4)


def _without(keys, ended):
    return [key for key in keys if key not in ended]
