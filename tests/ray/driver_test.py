#!/usr/bin/env python3
"""The gang driver's pure parts, without Ray: the failover policy's rules (docs/job-spec.md#failover) and
what a replica's process runs with (launch.py), GPU visibility among them with GPU ids in an order Ray may
give them (the test cluster's fake GPUs run the rule for real: gpu_test.cpp).

Run by ctest (label ray) as: python3 driver_test.py DRIVER_DIR
"""
import sys
import types
import unittest

sys.path.insert(0, sys.argv.pop(1))

from dlaunch_ray_driver.failover import FailoverPolicy, Recovery  # noqa: E402
from dlaunch_ray_driver.launch import Node, argv_of, env_of, tf_config  # noqa: E402
from dlaunch_ray_driver.plan import Plan, Role, merged_bundles  # noqa: E402


def role(name="w", replicas=2, per_node=1, gpu=0, max_restarts=0, min_replicas=None, launcher="direct",
         tf_task="none"):
    return Role(name=name, entrypoint=["python3", "train.py"], replicas=replicas, per_node=per_node, cpu=1.0,
                accelerators=gpu, memory_bytes=0, env={"MINE": "1"}, driver=True,
                min_replicas=replicas if min_replicas is None else min_replicas, max_restarts=max_restarts,
                launcher=launcher, nproc_per_node=2, rdzv_backend="c10d", rdzv_port=0, tf_task=tf_task)


def plan(*roles, scope="job", max_restarts=0, start_timeout=0, colocations=()):
    return Plan(job="j", submission_id="dlaunch-j-0123", config="{}", env={"MASTER_PORT": "1", "MINE": "0"},
                max_restarts=max_restarts, scope=scope,
                start_timeout=start_timeout, placement_strategy="PACK", accelerator="GPU", roles=list(roles),
                colocations=[list(names) for names in colocations])


class FailoverTest(unittest.TestCase):
    def test_scope_replica_restarts_within_the_roles_limit_then_fails(self):
        policy = FailoverPolicy(plan(role(max_restarts=2), scope="replica", max_restarts=5))
        self.assertIs(policy.on_failure("w", 1), Recovery.RESTART_REPLICA)
        self.assertEqual(policy.restart_text("w", Recovery.RESTART_REPLICA), "restart 1 of 2 for role 'w'")
        self.assertIs(policy.on_failure("w", 1), Recovery.RESTART_REPLICA)
        self.assertIs(policy.on_failure("w", 1), Recovery.FAIL)  # the job's 5 do not help: not scope job

    def test_scope_job_needs_both_the_roles_and_the_jobs_restarts(self):
        policy = FailoverPolicy(plan(role("a", max_restarts=0), role("b", max_restarts=3), max_restarts=1))
        self.assertIs(policy.on_failure("a", 1), Recovery.FAIL)
        self.assertIs(policy.on_failure("b", 1), Recovery.RESTART_JOB)
        self.assertEqual(policy.restart_text("b", Recovery.RESTART_JOB), "restart 1 of 1")
        self.assertIs(policy.on_failure("b", 1), Recovery.FAIL)

    def test_an_elastic_role_goes_on_without_a_failed_replica_first(self):
        policy = FailoverPolicy(plan(role(replicas=3, min_replicas=2), max_restarts=1))
        self.assertIs(policy.on_failure("w", 2), Recovery.GO_ON_WITHOUT)
        self.assertIs(policy.on_failure("w", 1), Recovery.FAIL)  # the role's own default limit is 0

    def test_a_lost_actor_restarts_the_job_whatever_the_scope(self):
        policy = FailoverPolicy(plan(role(max_restarts=1), scope="replica", max_restarts=1))
        self.assertIs(policy.on_failure("w", 1, in_place=False), Recovery.RESTART_JOB)

    def test_a_torchrun_role_restarts_nothing_itself(self):
        policy = FailoverPolicy(plan(role(max_restarts=3, launcher="torchrun"), scope="role", max_restarts=3))
        self.assertIs(policy.on_failure("w", 1), Recovery.FAIL)


def gang(nodes):
    size = {}
    for role_name, rank in nodes:
        size[role_name] = max(size.get(role_name, 0), rank + 1)
    return types.SimpleNamespace(nodes=nodes, size=size)


class PlacementTest(unittest.TestCase):
    def test_colocated_roles_share_each_bundle_and_others_keep_their_own(self):
        p = plan(role("t", replicas=1), role("a", gpu=0.5), role("c", gpu=0.5), colocations=[("c", "a")])
        self.assertEqual([[r.name for r in unit] for unit in p.units()], [["t"], ["a", "c"]])
        self.assertEqual(merged_bundles(p.units()[1], "GPU"), [{"CPU": 2.0, "GPU": 1.0}] * 2)
        self.assertEqual(merged_bundles(p.units()[0], "GPU"), p.role("t").bundles("GPU"))

    def test_shares_that_add_up_to_one_device_make_one(self):
        roles = [role(n, replicas=1, gpu=g) for n, g in (("x", 0.1), ("y", 0.2), ("z", 0.7))]
        self.assertEqual(merged_bundles(roles, "GPU"), [{"CPU": 3.0, "GPU": 1.0}])

    def test_a_share_is_rays_fractional_num_gpus(self):
        self.assertEqual(role(gpu=0.4).actor_resources("GPU"), {"num_cpus": 1.0, "num_gpus": 0.4})


class LaunchTest(unittest.TestCase):
    def test_a_replica_with_a_share_sees_its_one_device_at_local_rank_0(self):
        critic = role("c", replicas=2, gpu=0.4)
        nodes = {("c", 0): Node("10.0.0.1", ["2"], "/c"), ("c", 1): Node("10.0.0.1", ["2"], "/c")}
        envs = [env_of(plan(critic), critic, rank, {"c": ("10.0.0.1", 4000)}, gang(nodes), 0) for rank in (0, 1)]
        self.assertEqual([(e["CUDA_VISIBLE_DEVICES"], e["LOCAL_RANK"]) for e in envs], [("2", "0"), ("2", "0")])

    def test_replicas_of_a_node_see_its_gpus_in_local_rank_order(self):
        # Ray gave w/0 GPU 3 and w/1 GPU 1 on one node (one bundle of per_node = 2), w/2 GPU 0 on another.
        trainer = role(replicas=4, per_node=2, gpu=1)
        nodes = {("w", 0): Node("10.0.0.1", ["3"], "/tmp/c0"), ("w", 1): Node("10.0.0.1", ["1"], "/tmp/c1"),
                 ("w", 2): Node("10.0.0.2", ["0"], "/tmp/c2"), ("w", 3): Node("10.0.0.2", ["2"], "/tmp/c3")}
        masters = {"w": ("10.0.0.1", 4000)}
        envs = [env_of(plan(trainer), trainer, rank, masters, gang(nodes), 0) for rank in range(4)]
        self.assertEqual([e["CUDA_VISIBLE_DEVICES"] for e in envs], ["3,1", "3,1", "0,2", "0,2"])
        self.assertEqual([e["LOCAL_RANK"] for e in envs], ["0", "1", "0", "1"])
        # device LOCAL_RANK of what each sees is its own GPU
        for rank, env in enumerate(envs):
            own = nodes[("w", rank)].gpu_ids[0]
            self.assertEqual(env["CUDA_VISIBLE_DEVICES"].split(",")[int(env["LOCAL_RANK"])], own)
        self.assertEqual(envs[3]["DLAUNCH_W_HOSTS"], "10.0.0.1,10.0.0.2")
        self.assertEqual(envs[3]["NODE_RANK"], "1")
        self.assertEqual(envs[3]["DLAUNCH_CONFIG_FILE"], "/tmp/c3")

    def test_an_elastic_role_that_got_fewer_replicas_counts_those(self):
        elastic = role(replicas=4, min_replicas=2)
        nodes = {("w", 0): Node("10.0.0.1", [], "/c"), ("w", 1): Node("10.0.0.2", [], "/c")}
        env = env_of(plan(elastic), elastic, 1, {"w": ("10.0.0.1", 4000)}, gang(nodes), 0)
        self.assertEqual((env["WORLD_SIZE"], env["DLAUNCH_NNODES"], env["DLAUNCH_W_HOSTS"]),
                         ("2", "2:4", "10.0.0.1,10.0.0.2"))

    def test_a_role_without_gpus_leaves_visibility_to_ray(self):
        cpu = role()
        nodes = {("w", 0): Node("10.0.0.1", [], "/tmp/c0"), ("w", 1): Node("10.0.0.1", [], "/tmp/c1")}
        env = env_of(plan(cpu), cpu, 1, {"w": ("10.0.0.1", 4000)}, gang(nodes), 2)
        self.assertNotIn("CUDA_VISIBLE_DEVICES", env)
        self.assertEqual(env["DLAUNCH_RESTART_COUNT"], "2")
        self.assertEqual(env["MINE"], "1")  # the role's env over the job's
        self.assertEqual(env["MASTER_PORT"], "1")  # the job's env over dlaunch's, as on local

    def test_tf_config_is_the_text_the_sdk_writes(self):
        # The job of tests/unit/role_variables_test.cpp, whose expected text this is.
        roles = [role("chief", 1, tf_task="chief"), role("param-server", 2, tf_task="ps"), role("logger", 1),
                 role("trainer", 2, tf_task="worker"), role("eval", 1, tf_task="evaluator")]
        servers = {(r.name, rank): f"{r.name}-{rank}:2222" for r in roles for rank in range(r.replicas)}
        cluster = ('{"cluster":{"chief":["chief-0:2222"],"ps":["param-server-0:2222","param-server-1:2222"],'
                   '"worker":["trainer-0:2222","trainer-1:2222"]},')
        p = plan(*roles)
        self.assertEqual(tf_config(p, roles[3], 1, servers), cluster + '"task":{"type":"worker","index":1}}')
        self.assertEqual(tf_config(p, roles[4], 0, servers), cluster + '"task":{"type":"evaluator","index":0}}')
        self.assertIsNone(tf_config(p, roles[2], 0, servers))
        nodes = {(r.name, rank): Node("10.0.0.1", [], "/c") for r in roles for rank in range(r.replicas)}
        masters = {r.name: ("10.0.0.1", 4000) for r in roles}
        self.assertEqual(env_of(p, roles[1], 0, masters, gang(nodes), 0, servers)["TF_CONFIG"],
                         cluster + '"task":{"type":"ps","index":0}}')
        self.assertNotIn("TF_CONFIG", env_of(p, roles[2], 0, masters, gang(nodes), 0, servers))

    def test_torchrun_argv_as_local_builds_it(self):
        t = role(replicas=3, min_replicas=2, max_restarts=4, launcher="torchrun")
        argv = argv_of(plan(t, start_timeout=120), t, 1, {"w": ("10.0.0.1", 4000)})
        self.assertEqual(argv, ["torchrun", "--nproc_per_node=2", "--max_restarts=4", "--nnodes=2:3",
                                "--rdzv_backend=c10d", "--rdzv_endpoint=10.0.0.1:4000", "--rdzv_id=dlaunch-j-0123",
                                "--rdzv_conf=join_timeout=120", "--no-python", "python3", "train.py"])
        t.rdzv_backend, t.min_replicas, t.rdzv_port = "static", 3, 29400
        self.assertEqual(argv_of(plan(t), t, 2, {"w": ("10.0.0.1", 4000)})[3:8],
                         ["--nnodes=3", "--node_rank=2", "--rdzv_backend=static", "--master_addr=10.0.0.1",
                          "--master_port=29400"])


if __name__ == "__main__":
    unittest.main()
