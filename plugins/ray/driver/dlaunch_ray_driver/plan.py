"""The job plan the plugin hands the driver, as JSON in DLAUNCH_RAY_PLAN (see job_translation.cpp)."""
import dataclasses
import json
import os
from typing import Dict, List

PLAN_VARIABLE = "DLAUNCH_RAY_PLAN"

# Ray needs at least one positive resource per placement group bundle; a role that asks for nothing gets
# this sliver of a CPU.
_MIN_BUNDLE_CPU = 0.001


@dataclasses.dataclass
class Role:
    name: str
    entrypoint: List[str]
    replicas: int
    per_node: int
    cpu: float
    accelerators: float  # whole devices, or a share of one (0.4: Ray's fractional num_gpus)
    memory_bytes: int
    env: Dict[str, str]
    driver: bool
    min_replicas: int
    max_restarts: int  # restarts this role's failures may cause; torchrun's --max_restarts for a torchrun role
    launcher: str  # "direct" or "torchrun"
    nproc_per_node: int
    rdzv_backend: str
    rdzv_port: int
    tf_task: str  # the role's TensorFlow task type (TF_CONFIG), or "none"

    @property
    def variable_prefix(self) -> str:
        """"actor-rollout" -> "DLAUNCH_ACTOR_ROLLOUT_": the prefix of the role's variables in every process
        (the rule of the SDK's dlaunch/role_variables.hpp; role names are DNS labels)."""
        return "DLAUNCH_" + self.name.upper().replace("-", "_") + "_"

    @property
    def nnodes(self) -> str:
        """The role's range of nodes, as torchrun's --nnodes takes it (DLAUNCH_NNODES)."""
        return f"{self.min_replicas // self.per_node}:{self.replicas // self.per_node}"

    def actor_resources(self, accelerator: str) -> dict:
        """Ray actor options for one replica."""
        options = {"num_cpus": self.cpu}
        if accelerator == "GPU":
            options["num_gpus"] = self.accelerators
        elif self.accelerators > 0:
            options["resources"] = {accelerator: self.accelerators}
        if self.memory_bytes > 0:
            options["memory"] = self.memory_bytes
        return options

    def bundles(self, accelerator: str) -> List[dict]:
        """One placement group bundle per group of per_node replicas (a "node" in dlaunch's model)."""
        bundle = {"CPU": self.cpu * self.per_node}
        if self.accelerators > 0:
            bundle[accelerator] = self.accelerators * self.per_node
        if self.memory_bytes > 0:
            bundle["memory"] = self.memory_bytes * self.per_node
        bundle = {k: v for k, v in bundle.items() if v > 0} or {"CPU": _MIN_BUNDLE_CPU}
        return [bundle] * (self.replicas // self.per_node)


def merged_bundles(roles, accelerator) -> List[dict]:
    """The bundles of roles placed together: bundle g holds group g of each (colocated roles have the same
    groups), so replica i of each lands on the same node and, with shares of a device, the same device."""
    merged = []
    for bundles in zip(*(role.bundles(accelerator) for role in roles)):
        bundle = {}
        for part in bundles:
            for resource, amount in part.items():
                bundle[resource] = bundle.get(resource, 0) + amount
        # Ray keeps 4 decimals of a resource: 0.1 + 0.2 + 0.7 is one device, not 1.0000000000000002.
        merged.append({resource: round(amount, 4) for resource, amount in bundle.items()})
    return merged


@dataclasses.dataclass
class Plan:
    job: str
    submission_id: str
    config: str  # the job's config table as JSON
    env: Dict[str, str]  # the job's env
    max_restarts: int
    scope: str  # failover.scope: "job", "role" or "replica"
    start_timeout: int  # seconds the gang may wait for its resources; 0: no limit
    placement_strategy: str
    accelerator: str
    roles: List[Role]
    colocations: List[List[str]]  # names of roles placed together (replica i of each with the others')

    def role(self, name) -> Role:
        return next(role for role in self.roles if role.name == name)

    def units(self) -> List[List[Role]]:
        """The roles as they are placed: each colocation's together (at its first role), every other alone."""
        units, placed = [], set()
        for role in self.roles:
            if role.name in placed:
                continue
            names = next((names for names in self.colocations if role.name in names), [role.name])
            units.append([r for r in self.roles if r.name in names])
            placed.update(names)
        return units

    @staticmethod
    def from_environment() -> "Plan":
        raw = json.loads(os.environ[PLAN_VARIABLE])
        roles = [Role(**role) for role in raw.pop("roles")]
        return Plan(roles=roles, **raw)
