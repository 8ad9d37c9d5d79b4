"""One attempt at running the whole job: every replica of every role, started together, watched together."""
import sys
import time

import ray
from ray.util.placement_group import placement_group, remove_placement_group
from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

from .replica import Replica

POLL_SECONDS = 0.2
TERMINATE_GRACE_SECONDS = 2  # Ray's own stop waits 3 s before SIGKILL: finish before that
WAITING_NOTICE_SECONDS = 30


def say(message):
    print(f"[dlaunch] {message}", flush=True)


class Attempt:
    """Reserves the placement groups, runs the replicas, and tells how the attempt ended."""

    def __init__(self, plan, number, stopping):
        self.plan = plan
        self.number = number
        self.stopping = stopping
        self.groups = {}  # role name -> placement group
        self.replicas = {}  # (role name, rank) -> actor
        self.failed_replica = None  # "role/rank" of the first replica that failed

    def run(self):
        """Returns the attempt's exit code: 0 when every driver role succeeded, else the first failure's."""
        try:
            if not self._reserve():
                return 1
            self._start()
            return self._watch()
        finally:
            self._clean_up()

    def _reserve(self):
        for role in self.plan.roles:
            self.groups[role.name] = placement_group(
                role.bundles(self.plan.accelerator), strategy=self.plan.placement_strategy
            )
        pending = {role.name: self.groups[role.name].ready() for role in self.plan.roles}
        started = time.monotonic()
        notice_at = started + WAITING_NOTICE_SECONDS
        while pending:
            if self.stopping.is_set():
                return False
            ready, _ = ray.wait(list(pending.values()), timeout=1)
            pending = {name: ref for name, ref in pending.items() if ref not in ready}
            if pending and time.monotonic() > notice_at:
                notice_at += WAITING_NOTICE_SECONDS
                wanted = {r.name: r.bundles(self.plan.accelerator) for r in self.plan.roles if r.name in pending}
                say(f"still waiting for resources after {int(time.monotonic() - started)} s: {wanted}; "
                    f"the cluster has {ray.cluster_resources()}")
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

    def _watch(self):
        running = dict(self.replicas)
        driver_roles = {role.name for role in self.plan.roles if role.driver}
        while True:
            if self.stopping.is_set():
                return 1
            keys = list(running)
            polls = [running[key].poll.remote() for key in keys]
            output = []
            for key, poll in zip(keys, polls):
                label = f"{key[0]}/{key[1]}"
                try:
                    lines, code = ray.get(poll)
                except ray.exceptions.RayActorError as error:
                    say(f"{label} was lost: {error}")
                    self.failed_replica = label
                    return 1
                output.extend(f"[{label}] {line}\n" for line in lines)
                if code is None:
                    continue
                del running[key]
                if code != 0:
                    sys.stdout.write("".join(output))
                    say(f"{label} exited with code {code}")
                    self.failed_replica = label
                    return code
            sys.stdout.write("".join(output))
            sys.stdout.flush()
            if not any(key[0] in driver_roles for key in running):
                return 0
            time.sleep(POLL_SECONDS)

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
