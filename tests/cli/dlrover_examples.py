#!/usr/bin/env python3
"""Validates every spec of examples/dlrover/ on exactly the platforms its `# platforms:` line claims.

Usage: dlrover_examples.py --dlaunch BIN --examples DIR --built "local;ray;..."

A claimed platform must accept the spec (exit 0; warnings allowed). Every other built platform must refuse it
(exit 65) for a field it cannot honour ("cannot honour" in its diagnostics), so a claim is never narrower
than the truth and never wider. A claimed platform whose plugin is not
built is reported and skipped.
"""
import argparse
import os
import re
import subprocess
import sys

from dlaunch_testlib import isolated_env

PLATFORMS = re.compile(r"^# platforms:((?: [a-z0-9-]+)+)\s*$", re.MULTILINE)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlaunch", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--built", required=True, help="the platforms built, ;-separated")
    args = parser.parse_args()
    built = [p for p in args.built.split(";") if p]
    specs = sorted(f for f in os.listdir(args.examples) if f.endswith(".toml"))
    failures = []
    if not specs:
        failures.append(f"no specs in {args.examples}")
    with isolated_env() as env:
        for spec in specs:
            path = os.path.join(args.examples, spec)
            with open(path, encoding="utf-8") as f:
                claim = PLATFORMS.search(f.read())
            if not claim:
                failures.append(f"{spec}: no '# platforms: ...' line")
                continue
            claimed = claim.group(1).split()
            for platform in built:
                run = subprocess.run([args.dlaunch, "validate", path, "-p", platform], env=env,
                                     capture_output=True, text=True, timeout=60)
                expected = 0 if platform in claimed else 65
                right = run.returncode == expected and (expected == 0 or "cannot honour" in run.stderr)
                verdict = "ok" if right else "FAIL"
                print(f"{verdict}  {spec} on {platform}: exit {run.returncode}, expected {expected}")
                if not right:
                    failures.append(f"{spec} on {platform}: exit {run.returncode}, expected {expected}\n"
                                    f"{run.stdout}{run.stderr}")
            for platform in claimed:
                if platform not in built:
                    print(f"skip  {spec} on {platform}: that plugin is not built")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
