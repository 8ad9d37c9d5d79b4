"""The gang: the placement groups of every role and one Ray actor per replica in them. It outlives an
attempt that failed while every actor is alive, so a restart reruns the replicas' processes in place (no new
workers to start); a lost actor makes the next attempt reserve a new gang.

A role of fixed size has one placement group, one bundle per group of per_node replicas, placed whole. An
elastic role (min_replicas < replicas) has one placement group per group of per_node replicas, so it can
start with the groups the cluster holds. Colocated roles (same replicas, min_replicas and per_node) share
their placement groups: bundle g holds group g of each, so replica i of each is on the same node and, with
shares of a device, on the same device. Once every role has its minimum, the gang waits
ELASTIC_LAST_CALL_SECONDS more for the others (as torchrun's rendezvous waits for late nodes), then starts
with what is placed and gives up the rest."""
import dataclasses
import time
from typing import List

import ray
from ray.util.placement_group import placement_group, remove_placement_group
from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

from .plan import merged_bundles
from .replica import Replica
from .report import resources_text, say, wanted_text

TERMINATE_GRACE_SECONDS = 2  # Ray's own stop waits 3 s before SIGKILL: finish before that
FIRST_WAITING_NOTICE_SECONDS = 1  # a gang that gets its resources at once says nothing about waiting
WAITING_NOTICE_SECONDS = 30
ELASTIC_LAST_CALL_SECONDS = 5


@dataclasses.dataclass
class _Reservation:
    """One placement group: of a whole role (groups 0, 1, ...) or of one group of an elastic role; of its
    colocated roles too."""
    roles: list
    groups: List[int]  # the role's groups of per_node replicas it holds, one bundle each, in order
    group: object  # the placement group
    ready: bool = False


def _holds(reservation, role):
    return any(held is role for held in reservation.roles)


class Gang:
    def __init__(self, plan):
        self.plan = plan
        self.reservations = []
        self.replicas = {}  # (role name, rank) -> actor, in the plan's order
        self.nodes = {}  # (role name, rank) -> launch.Node
        self.size = {}  # role name -> the replicas it got: its replicas, or fewer for an elastic role
        self.lost = False  # an actor died: this gang cannot run another attempt
        self.failure = None  # why reserve() gave up: what the gang waited for

    def reserve(self, stopping):
        """Waits until the cluster holds every role's placement groups (an elastic role's minimum), saying
        what it waits for; then creates the actors. False when stopped first, or when the plan's
        start_timeout passed first (then `failure` says what the gang waited for, as DLRover fails a job
        pending too long)."""
        accelerator = self.plan.accelerator
        for unit in self.plan.units():
            bundles = merged_bundles(unit, accelerator)
            if unit[0].min_replicas < unit[0].replicas:
                for index, bundle in enumerate(bundles):
                    group = placement_group([bundle], strategy=self.plan.placement_strategy)
                    self.reservations.append(_Reservation(unit, [index], group))
            else:
                group = placement_group(bundles, strategy=self.plan.placement_strategy)
                self.reservations.append(_Reservation(unit, list(range(len(bundles))), group))
        pending = {r.group.ready(): r for r in self.reservations}
        started = time.monotonic()
        notice_at = started + FIRST_WAITING_NOTICE_SECONDS
        deadline = started + self.plan.start_timeout if self.plan.start_timeout > 0 else None
        minimum_at = None  # when every role had its minimum

        def waiting_for():
            wanted = "; ".join(
                f"{role.name}: " + wanted_text([role.bundles(accelerator)[0]
                                                for r in pending.values() if _holds(r, role) for _ in r.groups])
                for role in self.plan.roles if any(_holds(r, role) for r in pending.values()))
            return f"{wanted}; the cluster has {resources_text(ray.cluster_resources())}"

        while pending:
            if stopping.is_set():
                return False
            ready, _ = ray.wait(list(pending), num_returns=len(pending), timeout=0.5)
            for ref in ready:
                pending.pop(ref).ready = True
            if not pending:
                break
            now = time.monotonic()
            if all(self._placed_groups(role) >= role.min_replicas // role.per_node for role in self.plan.roles):
                minimum_at = minimum_at or now
                if now - minimum_at >= ELASTIC_LAST_CALL_SECONDS:
                    break
            elif deadline is not None and now > deadline:
                self.failure = (f"the job did not start within its start_timeout of {self.plan.start_timeout} s: "
                                f"waiting for resources: {waiting_for()}")
                return False
            if now > notice_at:
                waited = int(now - started)
                notice_at = started + (waited // WAITING_NOTICE_SECONDS + 1) * WAITING_NOTICE_SECONDS
                say(f"waiting for resources ({waited} s): {waiting_for()}")
        for reservation in pending.values():  # an elastic role's groups that did not come in time
            remove_placement_group(reservation.group)
        self.reservations = [r for r in self.reservations if r.ready]
        self._create_actors()
        return True

    def _placed_groups(self, role):
        return sum(len(r.groups) for r in self.reservations if _holds(r, role) and r.ready)

    def _create_actors(self):
        """One actor per replica of the placed groups, ranked in the groups' order (an elastic role that got
        fewer groups has ranks 0 to its size - 1)."""
        for role in self.plan.roles:
            bundles = [(r.group, bundle) for r in self.reservations if _holds(r, role)
                       for bundle in range(len(r.groups))]
            self.size[role.name] = len(bundles) * role.per_node
            if self.size[role.name] < role.replicas:
                say(f"starting role '{role.name}' with {self.size[role.name]} of {role.replicas} replicas "
                    f"(min_replicas {role.min_replicas}): the cluster holds no more")
            for rank in range(self.size[role.name]):
                group, bundle = bundles[rank // role.per_node]
                strategy = PlacementGroupSchedulingStrategy(placement_group=group,
                                                            placement_group_bundle_index=bundle)
                options = role.actor_resources(self.plan.accelerator)
                self.replicas[(role.name, rank)] = Replica.options(scheduling_strategy=strategy, **options).remote()
        keys = list(self.replicas)
        nodes = ray.get([self.replicas[key].prepare.remote(self.plan.config) for key in keys])
        self.nodes = dict(zip(keys, nodes))

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
        for reservation in self.reservations:
            remove_placement_group(reservation.group)
