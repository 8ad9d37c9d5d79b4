"""One attempt at running the whole job on a gang: every replica's process started together and watched
together; a failure handled by the failover policy (a replica or its role restarted in place, a replica of
an elastic role left behind, or the attempt ended); every replica's output relayed to the end."""
import sys
import time

import ray

from .failover import Recovery
from .gang import TERMINATE_GRACE_SECONDS
from .launch import argv_of, env_of
from .report import how_it_ended, say, shell_exit_code

POLL_SECONDS = 0.2
# How long the replicas still running when the attempt ended get to hand over their last output once they
# are stopped (their readers need a moment after the processes died).
DRAIN_SECONDS = TERMINATE_GRACE_SECONDS + 2


class Attempt:
    def __init__(self, plan, gang, policy, starts, stopping):
        self.plan = plan
        self.gang = gang
        self.policy = policy
        self.starts = starts  # (role, rank) -> how often the replica was started before, across attempts
        self.stopping = stopping
        self.masters = {}  # role name -> (MASTER_ADDR, MASTER_PORT) of this attempt
        self.servers = {}  # (role, rank) -> "host:port" of a tf_task role's replica's TensorFlow server
        self.left = set()  # replicas of elastic roles the job goes on without
        self.failed = set()  # replicas that failed and were not started again
        self.failure = None  # how the replica that ended the attempt ended: "trainer/1 exited with code 3"
        self.failure_code = 0  # and the exit code it gives the attempt
        self.restart_job = False  # the policy chose to restart the job after this attempt

    def run(self):
        """Returns the attempt's exit code: 0 when every driver role succeeded, else the failure's."""
        try:
            self._start()
        except ray.exceptions.RayActorError as error:  # an actor died since the last attempt (its node?)
            self.gang.lost = True
            say(f"a replica was lost before it started: {error}")
            self.restart_job = self.policy.job_used < self.policy.job_limit
            if self.restart_job:
                self.policy.job_used += 1
            return 1
        running, code = self._watch()
        # Every replica's last lines reach the log before the attempt says how it ended, however many
        # replicas ended at the same moment and whatever was still running.
        self._stop_and_drain(running)
        if self.failure is not None:
            say(self.failure)
        return code

    def _launch(self, key):
        """The argv and env of replica `key`'s next start, which counts as one."""
        role = self.plan.role(key[0])
        count = self.starts.get(key, 0)
        self.starts[key] = count + 1
        return argv_of(self.plan, role, key[1], self.masters), env_of(self.plan, role, key[1], self.masters,
                                                                        self.gang, count, self.servers)

    def _start(self):
        """Starts every replica's process, all at once: each role's rank 0 first tells its address, and so
        does every replica of a tf_task role, for its TensorFlow server."""
        replicas = self.gang.replicas
        addresses = ray.get([replicas[(role.name, 0)].address.remote() for role in self.plan.roles])
        self.masters = {role.name: address for role, address in zip(self.plan.roles, addresses)}
        servers = [key for key in replicas if self.plan.role(key[0]).tf_task != "none"]
        self.servers = {key: f"{ip}:{port}"
                        for key, (ip, port) in zip(servers, ray.get([replicas[key].address.remote() for key in servers]))}
        ray.get([replicas[key].start.remote(*self._launch(key)) for key in replicas])

    def _relay(self, key, lines):
        return [f"[{key[0]}/{key[1]}] {line}\n" for line in lines]

    def _poll(self, running):
        """One round: relays what every running replica wrote since the last round (a poll hands its lines
        over exactly once, so every answer is read, even after a failure). Returns the replicas that ended,
        with their exit codes (None: the actor was lost)."""
        keys = list(running)
        polls = [self.gang.replicas[key].poll.remote() for key in keys]
        output = []
        ended = []
        for key, poll in zip(keys, polls):
            try:
                lines, code = ray.get(poll)
            except ray.exceptions.RayActorError as error:
                output.append(f"[dlaunch] {key[0]}/{key[1]} was lost: {error}\n")
                ended.append((key, None))
                self.gang.lost = True
                continue
            output.extend(self._relay(key, lines))
            if code is not None:
                ended.append((key, code))
        sys.stdout.write("".join(output))
        sys.stdout.flush()
        return ended

    def _fail(self, how, code, recovery):
        self.failure, self.failure_code = how, code
        self.restart_job = recovery is Recovery.RESTART_JOB

    def _recover(self, key, code, running):
        """Applies the failover policy to replica `key`, which failed (code None: its actor was lost)."""
        label = f"{key[0]}/{key[1]}"
        how = f"{label} was lost" if code is None else f"{label} {how_it_ended(code)}"
        role = key[0]
        others_healthy = sum(1 for other in self.gang.replicas
                             if other[0] == role and other != key and other not in self.left
                             and other not in self.failed)
        recovery = self.policy.on_failure(role, others_healthy, in_place=code is not None)
        if recovery is Recovery.RESTART_JOB or recovery is Recovery.FAIL:
            # Said once the other replicas' last lines are in: the log's last line, the job's message.
            self._fail(how, 1 if code is None else shell_exit_code(code), recovery)
            return
        say(how)
        if recovery is Recovery.RESTART_REPLICA or recovery is Recovery.RESTART_ROLE:
            what = label if recovery is Recovery.RESTART_REPLICA else f"role '{role}'"
            say(f"restarting {what} ({self.policy.restart_text(role, recovery)})")
            keys = [key] if recovery is Recovery.RESTART_REPLICA else [
                other for other in self.gang.replicas if other[0] == role and other not in self.left]
            restarts = [self.gang.replicas[k].restart.remote(*self._launch(k), TERMINATE_GRACE_SECONDS) for k in keys]
            output = []
            for k, lines in zip(keys, ray.get(restarts)):
                output.extend(self._relay(k, lines))
                if k not in running:
                    running.append(k)
                self.failed.discard(k)
            sys.stdout.write("".join(output))
            sys.stdout.flush()
        elif recovery is Recovery.GO_ON_WITHOUT:
            self.left.add(key)
            say(f"going on without {label}: {others_healthy} replicas of role '{role}' remain "
                f"(min_replicas {self.policy.min_replicas[role]})")

    def _watch(self):
        """Polls until the attempt is over. Returns the replicas still running and the attempt's exit code."""
        running = list(self.gang.replicas)  # in the plan's order: the first failure is the lowest rank's
        driver_roles = {role.name for role in self.plan.roles if role.driver}
        while True:
            if self.stopping.is_set():
                return running, 1
            ended = self._poll(running)
            running = [key for key in running if key not in {k for k, _ in ended}]
            for key, code in ended:
                if code != 0:
                    self.failed.add(key)
            for key, code in ended:
                # (a replica that failed in this round may have been restarted with its role already)
                if code != 0 and self.failure is None and key in self.failed:
                    self._recover(key, code, running)
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
            ended = {key for key, _ in self._poll(running)}
            running = [key for key in running if key not in ended]
            if running:
                time.sleep(POLL_SECONDS / 4)
