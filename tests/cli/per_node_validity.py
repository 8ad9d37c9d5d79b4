#!/usr/bin/env python3
"""One meaning of per_node everywhere: the same spec is valid, or invalid, on every built platform.

Usage: per_node_validity.py --dlaunch BIN --built "local;ray;..."

Each spec below lays roles out in groups of per_node replicas over node_num nodes (docs/job-spec.md, "Nodes
and per_node"). `dlaunch validate -p PLATFORM` must give the expected exit code on every built platform:
0 (warnings allowed) or 65. No cluster is needed: validate asks none.
"""
import argparse
import os
import subprocess
import sys

from dlaunch_testlib import isolated_env

HEADER = 'name = "layout"\n'
# Kubernetes needs an image, from its own table (the other platforms ignore that table); last, as TOML wants.
FOOTER = '[platform.kubernetes]\nimage = "busybox"\n'

SPECS = {
    # More groups than nodes: they share the node (Slurm refused this before).
    "groups_share_a_node": (0, HEADER + 'node_num = 1\n[[roles]]\nname = "trainer"\nentrypoint = ["true"]\n'
                               'replicas = 4\nper_node = 2\n'),
    "default_per_node_on_one_node": (0, HEADER + '[[roles]]\nname = "trainer"\nentrypoint = ["true"]\nreplicas = 3\n'),
    # Two 4-GPU roles on two 8-GPU nodes: one role per node (Slurm asked every node for 8 GPUs before).
    "roles_spread_over_nodes": (0, HEADER + 'node_num = 2\ndevice_per_node = 8\ndevice_type = "GPU"\n'
                                   '[[roles]]\nname = "actor"\nentrypoint = ["true"]\nreplicas = 4\nper_node = 4\n'
                                   'resources = { gpu = 1 }\n'
                                   '[[roles]]\nname = "critic"\nentrypoint = ["true"]\nreplicas = 4\nper_node = 4\n'
                                   'resources = { gpu = 1 }\n'),
    "replicas_not_a_multiple": (65, HEADER + '[[roles]]\nname = "trainer"\nentrypoint = ["true"]\nreplicas = 3\n'
                                    'per_node = 2\n'),
    "group_larger_than_a_node": (65, HEADER + 'device_per_node = 2\ndevice_type = "GPU"\n[[roles]]\nname = "t"\n'
                                     'entrypoint = ["true"]\nreplicas = 2\nper_node = 2\nresources = { gpu = 2 }\n'),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlaunch", required=True)
    parser.add_argument("--built", required=True, help="the platforms built, ;-separated")
    args = parser.parse_args()
    built = [p for p in args.built.split(";") if p]
    failures = []
    with isolated_env() as env:
        for name, (expected, text) in SPECS.items():
            path = os.path.join(env["XDG_CONFIG_HOME"], name + ".toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text + FOOTER)
            for platform in built:
                run = subprocess.run([args.dlaunch, "validate", path, "-p", platform], env=env,
                                     capture_output=True, text=True, timeout=60)
                right = run.returncode == expected
                print(f"{'ok' if right else 'FAIL'}  {name} on {platform}: exit {run.returncode}, expected {expected}")
                if not right:
                    failures.append(f"{name} on {platform}: exit {run.returncode}, expected {expected}\n"
                                    f"{run.stdout}{run.stderr}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
