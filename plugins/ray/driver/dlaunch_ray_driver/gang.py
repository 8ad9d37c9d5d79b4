"""The gang: one placement group per role and one Ray actor per replica in it. It outlives an attempt that
failed while every actor is alive, so a restart reruns the replicas' processes in place (no new workers to
start); a lost actor makes the next attempt reserve a new gang."""
import time

import ray
from ray.util.placement_group import placement_group, remove_placement_group
from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

from .replica import Replica
from .report import resources_text, say, wanted_text

TERMINATE_GRACE_SECONDS = 2  # Ray's own stop waits 3 s before SIGKILL: finish before that
FIRST_WAITING_NOTICE_SECONDS = 1  # a gang that gets its resources at once says nothing about waiting
WAITING_NOTICE_SECONDS = 30


class Gang:
    def __init__(self, plan):
        self.plan = plan
        self.groups = {}  # role name -> placement group
        self.replicas = {}  # (role name, rank) -> actor, in the plan's order
        self.nodes = {}  # (role name, rank) -> replica.Node
        self.lost = False  # an actor died: this gang cannot run another attempt
        self.failure = None  # why reserve() gave up: what the gang waited for

    def reserve(self, stopping):
        """Waits until the cluster holds every role's placement group, saying what it waits for; then
        creates the actors. False when stopped first, or when the plan's start_timeout passed first (then
        `failure` says what the gang waited for, as DLRover fails a job pending too long)."""
        for role in self.plan.roles:
            self.groups[role.name] = placement_group(
                role.bundles(self.plan.accelerator), strategy=self.plan.placement_strategy
            )
        pending = {role.name: self.groups[role.name].ready() for role in self.plan.roles}
        started = time.monotonic()
        notice_at = started + FIRST_WAITING_NOTICE_SECONDS
        deadline = started + self.plan.start_timeout if self.plan.start_timeout > 0 else None

        def waiting_for():
            wanted = "; ".join(f"{role.name}: {wanted_text(role.bundles(self.plan.accelerator))}"
                               for role in self.plan.roles if role.name in pending)
            return f"{wanted}; the cluster has {resources_text(ray.cluster_resources())}"

        while pending:
            if stopping.is_set():
                return False
            ready, _ = ray.wait(list(pending.values()), timeout=0.5)
            pending = {name: ref for name, ref in pending.items() if ref not in ready}
            if pending and deadline is not None and time.monotonic() > deadline:
                self.failure = (f"the job did not start within its start_timeout of {self.plan.start_timeout} s: "
                                f"waiting for resources: {waiting_for()}")
                return False
            if pending and time.monotonic() > notice_at:
                waited = int(time.monotonic() - started)
                notice_at = started + (waited // WAITING_NOTICE_SECONDS + 1) * WAITING_NOTICE_SECONDS
                say(f"waiting for resources ({waited} s): {waiting_for()}")
        for role in self.plan.roles:
            for rank in range(role.replicas):
                strategy = PlacementGroupSchedulingStrategy(
                    placement_group=self.groups[role.name],
                    placement_group_bundle_index=rank // role.per_node,
                )
                options = role.actor_resources(self.plan.accelerator)
                self.replicas[(role.name, rank)] = Replica.options(scheduling_strategy=strategy, **options).remote()
        keys = list(self.replicas)
        nodes = ray.get([self.replicas[key].prepare.remote(self.plan.config) for key in keys])
        self.nodes = dict(zip(keys, nodes))
        return True

    def terminate(self, keys=None):
        """Asks the replicas (all, or those of `keys`) to stop their processes: SIGTERM to each process
        group, SIGKILL after the grace period. Returns the calls' references."""
        keys = self.replicas if keys is None else keys
        return [self.replicas[key].terminate.remote(TERMINATE_GRACE_SECONDS) for key in keys]

    def close(self):
        try:
            ray.get(self.terminate(), timeout=TERMINATE_GRACE_SECONDS + 1)
            ray.get([actor.remove_files.remote() for actor in self.replicas.values()], timeout=1)
        except Exception:  # an actor already dead or stuck: killed just below either way
            pass
        for actor in self.replicas.values():
            ray.kill(actor)
        for group in self.groups.values():
            remove_placement_group(group)
