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
    accelerators: int
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

    def role(self, name) -> Role:
        return next(role for role in self.roles if role.name == name)

    @staticmethod
    def from_environment() -> "Plan":
        raw = json.loads(os.environ[PLAN_VARIABLE])
        roles = [Role(**role) for role in raw.pop("roles")]
        return Plan(roles=roles, **raw)
