"""One attempt at running the whole job: every replica of every role, started together, watched together."""
import signal
import sys
import time

import ray
from ray.util.placement_group import placement_group, remove_placement_group
from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

from .replica import Replica

POLL_SECONDS = 0.2
TERMINATE_GRACE_SECONDS = 2  # Ray's own stop waits 3 s before SIGKILL: finish before that
# How long the replicas that are still running after the attempt ended get to hand over their last output
# once they are stopped (their readers need a moment after the processes died).
DRAIN_SECONDS = TERMINATE_GRACE_SECONDS + 2
FIRST_WAITING_NOTICE_SECONDS = 1  # a gang that gets its resources at once says nothing about waiting
WAITING_NOTICE_SECONDS = 30


def say(message):
    print(f"[dlaunch] {message}", flush=True)


def how_it_ended(code):
    """A replica's return code for the user: "exited with code 3", or "was killed by SIGKILL"."""
    if code >= 0:
        return f"exited with code {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"was killed by signal {-code}"


def shell_exit_code(code):
    """The exit code a shell would report: 128 + N for a process killed by signal N."""
    return 128 - code if code < 0 else code


def resources_text(resources):
    """{CPU: 1, GPU: 1, memory: 256.0 MiB}, as the plugin shows what a PENDING gang waits for. Ray's
    per-node and object store entries say nothing a user can act on."""
    def amount(name, value):
        if name == "memory":
            return f"{value / 1024:.1f} KiB" if value < 1024 * 1024 else f"{value / (1024 * 1024):.1f} MiB"
        return str(int(value)) if float(value).is_integer() else f"{value:g}"
    shown = sorted((name, value) for name, value in resources.items()
                   if not name.startswith("node:") and name != "object_store_memory")
    return "{" + ", ".join(f"{name}: {amount(name, value)}" for name, value in shown) + "}"


def wanted_text(bundles):
    """One role's bundles, e.g. 2 × {CPU: 1, GPU: 1}: what it waits for."""
    counts = {}
    for bundle in bundles:
        text = resources_text(bundle)
        counts[text] = counts.get(text, 0) + 1
    return " + ".join(f"{n} × {text}" for text, n in counts.items())


class Attempt:
    """Reserves the placement groups, runs the replicas, and tells how the attempt ended."""

    def __init__(self, plan, number, stopping):
        self.plan = plan
        self.number = number
        self.stopping = stopping
        self.groups = {}  # role name -> placement group
        self.replicas = {}  # (role name, rank) -> actor
        self.failure = None  # how the first replica that failed ended: "trainer/1 exited with code 3"
        self.failure_code = 0  # and the exit code it gives the attempt

    def run(self):
        """Returns the attempt's exit code: 0 when every driver role succeeded, else the first failure's."""
        try:
            if not self._reserve():
                return 1
            self._start()
            running, code = self._watch()
            # Every replica's last lines reach the log before the attempt says how it ended, however many
            # replicas ended at the same moment and whatever was still running.
            self._stop_and_drain(running)
            if self.failure is not None:
                say(self.failure)
            return code
        finally:
            self._clean_up()

    def _reserve(self):
        for role in self.plan.roles:
            self.groups[role.name] = placement_group(
                role.bundles(self.plan.accelerator), strategy=self.plan.placement_strategy
            )
        pending = {role.name: self.groups[role.name].ready() for role in self.plan.roles}
        started = time.monotonic()
        notice_at = started + FIRST_WAITING_NOTICE_SECONDS
        while pending:
            if self.stopping.is_set():
                return False
            ready, _ = ray.wait(list(pending.values()), timeout=0.5)
            pending = {name: ref for name, ref in pending.items() if ref not in ready}
            if pending and time.monotonic() > notice_at:
                waited = int(time.monotonic() - started)
                notice_at = started + (waited // WAITING_NOTICE_SECONDS + 1) * WAITING_NOTICE_SECONDS
                wanted = "; ".join(f"{role.name}: {wanted_text(role.bundles(self.plan.accelerator))}"
                                   for role in self.plan.roles if role.name in pending)
                say(f"waiting for resources ({waited} s): {wanted}; "
                    f"the cluster has {resources_text(ray.cluster_resources())}")
        return True

    def _start(self):
        for role in self.plan.roles:
            for rank in range(role.replicas):
                strategy = PlacementGroupSchedulingStrategy(
                    placement_group=self.groups[role.name],
                    placement_group_bundle_index=rank // role.per_node,
                )
                options = role.actor_resources(self.plan.accelerator)
                self.replicas[(role.name, rank)] = Replica.options(scheduling_strategy=strategy, **options).remote()
        for role in self.plan.roles:
            master_addr, master_port = ray.get(self.replicas[(role.name, 0)].address.remote())
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
                ray.get(self.replicas[(role.name, rank)].start.remote(role.entrypoint, env))

    def _poll(self, running):
        """One round: relays what every running replica wrote since the last round (a poll hands its lines
        over exactly once, so every answer is read, even after a failure) and returns {key: return code} of
        the replicas that ended (None for a lost one). Records the attempt's first failure."""
        keys = list(running)
        polls = [running[key].poll.remote() for key in keys]
        output = []
        ended = {}
        for key, poll in zip(keys, polls):
            label = f"{key[0]}/{key[1]}"
            try:
                lines, code = ray.get(poll)
            except ray.exceptions.RayActorError as error:
                output.append(f"[dlaunch] {label} was lost: {error}\n")
                ended[key] = None
                self._failed(f"{label} was lost", 1)
                continue
            output.extend(f"[{label}] {line}\n" for line in lines)
            if code is None:
                continue
            ended[key] = code
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
        running = dict(self.replicas)
        driver_roles = {role.name for role in self.plan.roles if role.driver}
        while True:
            if self.stopping.is_set():
                return running, 1
            for key in self._poll(running):
                del running[key]
            if self.failure is not None:
                return running, self.failure_code
            if not any(key[0] in driver_roles for key in running):
                return running, 0
            time.sleep(POLL_SECONDS)

    def _stop_and_drain(self, running):
        """Stops the replicas still running and relays their output until each one's is complete."""
        for actor in running.values():
            actor.terminate.remote(TERMINATE_GRACE_SECONDS)
        deadline = time.monotonic() + DRAIN_SECONDS
        while running and time.monotonic() < deadline:
            for key in self._poll(running):
                del running[key]
            if running:
                time.sleep(POLL_SECONDS / 4)

    def _clean_up(self):
        stops = [actor.terminate.remote(TERMINATE_GRACE_SECONDS) for actor in self.replicas.values()]
        try:
            ray.get(stops, timeout=TERMINATE_GRACE_SECONDS + 1)
        except Exception:  # an actor already dead or stuck: killed just below either way
            pass
        for actor in self.replicas.values():
            ray.kill(actor)
        for group in self.groups.values():
            remove_placement_group(group)
