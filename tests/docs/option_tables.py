#!/usr/bin/env python3
"""Fails when a platform doc's options table drifted from the options its plugin declares.

Usage: option_tables.py --dlaunch BIN DOC PLATFORM

The table is the first one under the heading `## Options (`[platform.PLATFORM]`)`: rows `| `name` | type |
...`. Every option `dlaunch plugins info PLATFORM -o json` lists must have a row, and no row may name an
option the plugin does not declare. A row's type reads as `plugins info` prints it (string, string array,
string table, any, ...), then optionally ", required", ", secret" / " (secret)", or ": " and the shape the
plugin itself checks for an `any` option.
"""
import argparse
import json
import re
import subprocess
import sys

ROW = re.compile(r"^\| `([A-Za-z0-9_-]+)` \| ([^|]*) \|")
SUFFIX = re.compile(r"^(, required|, secret| \(secret\)|: .+)?$")


def doc_rows(text, platform):
    heading = f"## Options (`[platform.{platform}]`)"
    if heading not in text:
        sys.exit(f"no '{heading}' heading")
    rows = {}
    for line in text.split(heading, 1)[1].split("\n## ", 1)[0].splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlaunch", required=True)
    parser.add_argument("doc")
    parser.add_argument("platform")
    args = parser.parse_args()
    with open(args.doc, encoding="utf-8") as f:
        rows = doc_rows(f.read(), args.platform)
    info = json.loads(subprocess.run([args.dlaunch, "plugins", "info", args.platform, "-o", "json"],
                                     check=True, capture_output=True, text=True).stdout)
    problems = []
    declared = {}
    for option in info["options"]:
        declared[option["name"]] = option["type"].replace("_", " ")
    for name, type_name in declared.items():
        if name not in rows:
            problems.append(f"option '{name}' ({type_name}) has no row")
        elif not rows[name].startswith(type_name) or not SUFFIX.match(rows[name][len(type_name):]):
            problems.append(f"option '{name}': the doc says '{rows[name]}', plugins info says '{type_name}'")
    for name in rows.keys() - declared.keys():
        problems.append(f"the doc has a row for '{name}', which the plugin does not declare")
    for problem in problems:
        print(f"{args.doc}: error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
