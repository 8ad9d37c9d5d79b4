"""What one replica's process runs with: its argv (the entrypoint, or torchrun around it) and the variables
dlaunch sets (docs/job-spec.md#the-environment-of-every-process), as the local platform sets them, with
the addresses of this attempt's gang."""
import json
import typing


class Node(typing.NamedTuple):
    """Where a replica's actor runs (Replica.prepare): what its processes' variables say about it."""
    ip: str
    gpu_ids: typing.List[str]  # the GPUs Ray gave the actor, as CUDA_VISIBLE_DEVICES names them
    config_file: str  # the job's config as JSON, on the actor's node (DLAUNCH_CONFIG_FILE)


def node_group(role, rank):
    """The replica ranks that share `rank`'s placement group bundle, i.e. its node."""
    first = rank - rank % role.per_node
    return range(first, first + role.per_node)


def torchrun_argv(plan, role, rank, master_addr, master_port):
    """torchrun (torch.distributed.run) as the replica's program: the replica is one torchrun node, whose
    workers run the entrypoint as given (--no-python: it is a whole argv, python or not)."""
    port = str(role.rdzv_port or master_port)
    argv = ["torchrun", f"--nproc_per_node={role.nproc_per_node}", f"--max_restarts={role.max_restarts}"]
    if role.rdzv_backend == "static":
        argv += [f"--nnodes={role.replicas}", f"--node_rank={rank}", "--rdzv_backend=static",
                 f"--master_addr={master_addr}", f"--master_port={port}"]
    else:
        argv += [f"--nnodes={role.min_replicas}:{role.replicas}", "--rdzv_backend=c10d",
                 f"--rdzv_endpoint={master_addr}:{port}", f"--rdzv_id={plan.submission_id}"]
        # How long the first rendezvous waits for min_replicas nodes: the job's start.
        if plan.start_timeout > 0:
            argv.append(f"--rdzv_conf=join_timeout={plan.start_timeout}")
    return argv + ["--no-python"] + role.entrypoint


def argv_of(plan, role, rank, masters):
    if role.launcher == "torchrun":
        return torchrun_argv(plan, role, rank, *masters[role.name])
    return role.entrypoint


def tf_config(plan, role, rank, servers):
    """TF_CONFIG of replica `rank` of `role`, or None for a role without tf_task: the same text as the SDK's
    dlaunch/role_variables.hpp writes on the other platforms (every tf_task role but the evaluator in the
    cluster, in the job's order). `servers` maps (role, rank) to the replica's "host:port"."""
    if role.tf_task == "none":
        return None
    cluster = {other.tf_task: [servers[(other.name, r)] for r in range(other.replicas)]
               for other in plan.roles if other.tf_task not in ("none", "evaluator")}
    return json.dumps({"cluster": cluster, "task": {"type": role.tf_task, "index": rank}}, separators=(",", ":"))


def env_of(plan, role, rank, masters, gang, restart_count, servers=None):
    """dlaunch's variables for replica `rank` of `role`, then the job's env, then the role's (a later one
    wins). `masters` maps each role to its rank 0's (address, port); `servers` each replica of a tf_task role
    to its TensorFlow server's "host:port"."""
    master_addr, master_port = masters[role.name]
    node = gang.nodes[(role.name, rank)]
    env = {
        "DLAUNCH_JOB": plan.job,
        "DLAUNCH_ROLE": role.name,
        "DLAUNCH_SUBMISSION_ID": plan.submission_id,
        "DLAUNCH_RESTART_COUNT": str(restart_count),
        # The name before dlaunch 1.1; deprecated, removed in the release after it.
        "DLAUNCH_RESTART": str(restart_count),
        "DLAUNCH_NNODES": role.nnodes,
        "DLAUNCH_CONFIG_FILE": node.config_file,
        "RANK": str(rank),
        "WORLD_SIZE": str(gang.size[role.name]),  # an elastic role's: the replicas it got
        "LOCAL_RANK": str(rank % role.per_node),
        "LOCAL_WORLD_SIZE": str(role.per_node),
        "NODE_RANK": str(rank // role.per_node),
        "MASTER_ADDR": master_addr,
        "MASTER_PORT": str(master_port),
    }
    # Where every role is, so roles find each other (a trainer its parameter servers, say).
    for other in plan.roles:
        addr, port = masters[other.name]
        env[other.variable_prefix + "MASTER_ADDR"] = addr
        env[other.variable_prefix + "MASTER_PORT"] = str(port)
        env[other.variable_prefix + "HOSTS"] = ",".join(
            gang.nodes[(other.name, first)].ip for first in range(0, gang.size[other.name], other.per_node))
    config = tf_config(plan, role, rank, servers or {})
    if config is not None:
        env["TF_CONFIG"] = config
    # Ray shows each actor only its own GPUs; the replicas of a node see the node group's GPUs instead, in
    # local rank order, so LOCAL_RANK indexes the devices the process sees as it does under torchrun (with
    # gpu = 1, device LOCAL_RANK is the replica's own). docs/ray.md#gpu-visibility.
    if plan.accelerator == "GPU" and role.accelerators > 0:
        env["CUDA_VISIBLE_DEVICES"] = ",".join(
            gpu for member in node_group(role, rank) for gpu in gang.nodes[(role.name, member)].gpu_ids)
    env.update(plan.env)
    env.update(role.env)
    return env
