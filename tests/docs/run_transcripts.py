#!/usr/bin/env python3
"""Runs the console transcripts of a Markdown file and fails when the output drifted from what it shows.

A transcript is a fenced block whose info string is `console`; other blocks (```, ```text, ```json...) are
never run, so transcripts that cannot run here (Ctrl-C, a cluster with GPUs) stay plain ``` blocks. In a
transcript, `$ COMMAND` lines are run and every other line is the output expected of the command above it,
stdout and stderr together as a terminal shows them. All transcripts of one file run in order in one environment (the
jobs of one block are there in the next); `$?` is the exit status of the command before, as in a shell.

The docs are recorded from the repository root /work/main, with the build in /work/main/build-docs and the
XDG directories under /tmp/dd; the runner works in a fresh directory holding the files of tests/docs/files,
those of tests/docs/files/<the document's name> over them, and a copy of examples/, and reads those paths as
its own. A command may go on over lines that end in `\`. In expected output:
  - a job id NAME-XXXXXX (6 hex digits; 8 in Kubernetes object names) matches any such id of the same NAME,
    and is bound to it: the same id later, in commands too, means the actual one; so is a Slurm job id, in
    `slurm:N`, `Slurm job N` and `Slurm queued job N`, a Ray submission id in `ray:dlaunch-NAME-XXXXXXXXXXXX` and a sweep's in
    `sweep:NAME-XXXXXXXXXXXX`
    (except in a did-you-mean, which names any of the journal's jobs);
  - times (2026-11-28 13:41:54), epoch milliseconds, submission ids, ports after 127.0.0.1:, "N bytes", the
    memory a Ray cluster reports (`memory: N MiB`), the seconds a gang has waited (`waiting for resources
    (N s)`) and the index and random suffix of a Kubernetes Job's pod (`NAME-trainer-0-8jr8r`: which pod fails
    first is a race) match any;
  - a line `...` matches any number of lines;
  - consecutive lines of replicas (`[role/rank] ...`) match in any order, as replicas run side by side.

A document about a platform with a test cluster runs with `--env-file FILE`, the environment its fixture's start
script wrote (`export NAME=VALUE` lines), or `--env-value NAME=FILE`, a variable whose value a fixture wrote
alone in FILE (Ray's address); without that file the runner skips (exit 77), or fails under CI=true. The
commands get the variables of the file named by `--env-var NAME` (repeatable: a file may describe several ways
in, of which a user sets one), and the directory a variable names on their PATH with `--path-var NAME` (the
cluster's own tools, such as kubectl). `--work-user-var NAME` names the variable holding the user the cluster
runs jobs as, who then owns the work directory: the jobs' working directory and output are there.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

RECORDED_REPO = "/work/main"
RECORDED_BUILD = "/work/main/build-docs"
RECORDED_HOME = "/tmp/dd"

ID = re.compile(r"\b([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)-([0-9a-f]{6}|[0-9a-f]{8})\b")
FLEXIBLE = [
    (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"), r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    (re.compile(r"dlaunch-[a-z0-9-]+-[0-9a-f]{12}"), r"dlaunch-[a-z0-9-]+-[0-9a-f]{12}"),
    (re.compile(r"127\.0\.0\.1:\d+"), r"127\.0\.0\.1:\d+"),
    (re.compile(r"\b1\d{12}\b"), r"\d{13}"),
    (re.compile(r"\b\d+ bytes\b"), r"\d+ bytes"),  # sizes of texts that hold paths
    (re.compile(r"\bmemory: \d+(?:\.\d+)? MiB\b"), r"memory: \d+(?:\.\d+)? MiB"),  # the machine's
    # How long a gang has waited when its driver says so: a second or two, on a loaded machine more.
    (re.compile(r"waiting for resources \(\d+ s\)"), r"waiting for resources \(\d+ s\)"),
    # Any pod of a Job: its index, and the suffix Kubernetes draws from its alphabet.
    (re.compile(r"-\d+-[b-df-hj-np-tv-z2-9]{5}\b"), r"-\d+-[b-df-hj-np-tv-z2-9]{5}"),
]
REPLICA_LINE = re.compile(r"^\[[a-z0-9-]+/\d+\] ")
# Job ids that are not NAME-XXXXXX: numbers a Slurm cluster hands out, and Ray handles, whose submission ids
# end in 12 hex digits. Bound like NAME-XXXXXX ids, by that part.
NUMBERED_ID = re.compile(r"\b(slurm:|Slurm job |Slurm queued job |ray:dlaunch-[a-z0-9-]+-|sweep:[a-z0-9-]+-)(\d+|[0-9a-f]{12})\b")
ANY_SUGGESTED_JOB = (re.compile(r"did you mean 'slurm:\d+'\?"), r"did you mean 'slurm:\d+'\?")
SKIPPED = 77


def transcripts(markdown):
    """(line number, [(command, [expected lines])]) for each ```console block."""
    blocks, lines = [], markdown.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            start, steps, i = i + 1, [], i + 1
            while i < len(lines) and lines[i].strip() != "```":
                if lines[i].startswith("$ "):
                    command = lines[i][2:]
                    while command.endswith("\\") and i + 1 < len(lines):  # a command continued on the next line
                        i += 1
                        command = command[:-1] + " " + lines[i].strip()
                    steps.append((command, []))
                elif steps:
                    steps[-1][1].append(lines[i])
                i += 1
            blocks.append((start, steps))
        i += 1
    return blocks


class Matcher:
    def __init__(self, paths):
        self.paths = paths  # recorded path -> actual path, longest first
        self.bound = {}     # recorded id -> actual id

    def localize(self, text):
        # One pass, longest recorded path first: an actual path may itself start with a recorded one (a build
        # in /work/main/build), and must not be replaced again.
        if not self.paths:
            return text
        actual = dict(self.paths)
        alternatives = "|".join(re.escape(recorded) for recorded in sorted(actual, key=len, reverse=True))
        return re.sub(alternatives, lambda m: actual[m.group(0)], text)

    def command(self, text):
        text = self.localize(text)
        text = NUMBERED_ID.sub(lambda m: m.group(1) + self.bound.get("#" + m.group(2), m.group(2)), text)
        return ID.sub(lambda m: self.bound.get(m.group(0), m.group(0)), text)

    def pattern(self, expected):
        """The regex of one expected line, and the recorded ids it binds, in group order."""
        expected = self.localize(expected)
        out, ids, pos = [], [], 0
        tokens = [(m.start(), m.end(), "id", m) for m in ID.finditer(expected)]
        tokens += [(m.start(), m.end(), "number", m) for m in NUMBERED_ID.finditer(expected)]
        for regex, replacement in FLEXIBLE + [ANY_SUGGESTED_JOB]:
            tokens += [(m.start(), m.end(), replacement, m) for m in regex.finditer(expected)]
        tokens.sort(key=lambda t: (t[0], -(t[1] - t[0])))
        for start, end, kind, m in tokens:
            if start < pos:
                continue
            out.append(re.escape(expected[pos:start]))
            if kind == "number":
                key = "#" + m.group(2)
                if key in self.bound:
                    out.append(re.escape(m.group(1) + self.bound[key]))
                else:
                    assigned = r"([0-9a-f]{12})" if m.group(1).startswith(("ray:", "sweep:")) else r"(\d+)"
                    out.append(re.escape(m.group(1)) + assigned)
                    ids.append(key)
            elif kind != "id":
                out.append(kind)
            elif m.group(0) in self.bound:
                out.append(re.escape(self.bound[m.group(0)]))
            else:
                out.append(re.escape(m.group(1)) + "-([0-9a-f]{%d})" % len(m.group(2)))
                ids.append(m.group(0))
            pos = end
        out.append(re.escape(expected[pos:]))
        return re.compile("".join(out) + r"\Z"), ids

    def line(self, expected, actual):
        regex, ids = self.pattern(expected)
        m = regex.match(actual)
        if not m:
            return False
        for recorded, suffix in zip(ids, m.groups()):
            self.bound[recorded] = suffix if recorded.startswith("#") else recorded[: -len(suffix)] + suffix
        return True

    def lines(self, expected, actual):
        """Matches all of `expected` against all of `actual`; binds ids on success."""
        if not expected:
            return not actual
        if expected[0] == "...":
            return any(self.lines(expected[1:], actual[j:]) for j in range(len(actual) + 1))
        run = 1
        if REPLICA_LINE.match(expected[0]):
            while run < len(expected) and REPLICA_LINE.match(expected[run]):
                run += 1
        if len(actual) < run:
            return False
        saved = dict(self.bound)
        unused = list(range(run))
        for e in expected[:run]:
            hit = next((k for k in unused if self.line(e, actual[k])), None)
            if hit is None:
                self.bound = saved
                return False
            unused.remove(hit)
        if self.lines(expected[run:], actual[run:]):
            return True
        self.bound = saved
        return False


def run_block(steps, matcher, env, cwd):
    """Runs each command in its own shell, once the ids of the outputs before it are bound; `$?` is the previous
    command's exit status, as in one interactive shell."""
    failures, status = [], 0
    for command, expected in steps:
        done = subprocess.run(["/bin/sh", "-c", f"(exit {status}); {{ {matcher.command(command)}\n}} 2>&1"], cwd=cwd,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        status = done.returncode
        actual = done.stdout.split("\n")
        if actual and actual[-1] == "":
            actual.pop()
        if not matcher.lines(expected, actual):
            failures.append((command, expected, actual))
    return failures


def stop_every_job(dlaunch, env):
    """Leaves no job of the transcripts running (a drifted transcript may have left one) before the directory
    its state lives in goes."""
    listed = subprocess.run([dlaunch, "list", "--limit", "0", "-o", "json"], env=env, capture_output=True, text=True)
    for job in json.loads(listed.stdout or "[]"):
        if job["handle"]:
            subprocess.run([dlaunch, "stop", job["handle"]], env=env, capture_output=True)


def read_env_file(path):
    """The `export NAME=VALUE` lines a fixture's start script wrote (tests/support/cluster_env.hpp's format)."""
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export ") and "=" in line:
                name, value = line[len("export "):].split("=", 1)
                env[name] = value
    return env


def hand_to(user, root, work):
    """Lets `user` (who runs the cluster's jobs) enter `root` and own `work`."""
    import pwd
    entry = pwd.getpwnam(user)
    os.chmod(root, 0o755)
    for directory, dirs, files in os.walk(work):
        for name in [directory] + [os.path.join(directory, n) for n in dirs + files]:
            os.lchown(name, entry.pw_uid, entry.pw_gid)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dlaunch", required=True, help="the built dlaunch binary")
    parser.add_argument("--source", required=True, help="the repository root")
    parser.add_argument("--env-file", help="the environment a cluster fixture wrote; skip when it is missing")
    parser.add_argument("--env-value", action="append", default=[], metavar="NAME=FILE",
                        help="a variable the commands get, whose value FILE holds; skip when it is missing")
    parser.add_argument("--env-var", action="append", default=[], help="a variable of --env-file the commands get")
    parser.add_argument("--path-var", action="append", default=[],
                        help="a variable of --env-file naming a directory the commands get on their PATH")
    parser.add_argument("--work-user-var", help="the variable of --env-file naming who runs the cluster's jobs")
    parser.add_argument("markdown", nargs="+")
    args = parser.parse_args()
    cluster, values = {}, dict(value.split("=", 1) for value in args.env_value)
    for path in ([args.env_file] if args.env_file else []) + list(values.values()):
        if not os.path.exists(path):
            print(f"SKIPPING {' '.join(args.markdown)}: no cluster ({path} is missing)")
            sys.exit(1 if os.environ.get("CI") == "true" else SKIPPED)
    if args.env_file:
        cluster = read_env_file(args.env_file)
    for name, path in values.items():
        with open(path) as f:
            cluster[name] = f.read().strip()
    build = os.path.dirname(os.path.dirname(os.path.abspath(args.dlaunch)))
    failed = 0
    for markdown in args.markdown:
        with tempfile.TemporaryDirectory(prefix="dlaunch-docs-") as work:
            cwd, home = os.path.join(work, "repo"), os.path.join(work, "home")
            files = os.path.join(args.source, "tests", "docs", "files")
            shutil.copytree(files, cwd, ignore=lambda d, names: [n for n in names if os.path.isdir(os.path.join(d, n))])
            own = os.path.join(files, os.path.splitext(os.path.basename(markdown))[0])
            if os.path.isdir(own):
                shutil.copytree(own, cwd, dirs_exist_ok=True)
            shutil.copytree(os.path.join(args.source, "examples"), os.path.join(cwd, "examples"))
            os.symlink(build, os.path.join(cwd, "build-docs"))
            os.makedirs(home)
            if args.work_user_var:
                hand_to(cluster[args.work_user_var], work, cwd)
            path = [os.path.dirname(os.path.abspath(args.dlaunch))] + [cluster[name] for name in args.path_var]
            env = dict(os.environ, **{name: cluster[name] for name in args.env_var + list(values)},
                       XDG_STATE_HOME=home + "/state", XDG_CONFIG_HOME=home + "/config", XDG_DATA_HOME=home + "/data",
                       DLAUNCH_PLUGIN_PATH="", LC_ALL="C.UTF-8", PATH=os.pathsep.join(path + [os.environ["PATH"]]))
            env.pop("NO_COLOR", None)
            matcher = Matcher([(RECORDED_BUILD, build), (RECORDED_REPO, cwd), (RECORDED_HOME, home)])
            with open(os.path.join(args.source, markdown)) as f:
                blocks = transcripts(f.read())
            for line, steps in blocks:
                for command, expected, actual in run_block(steps, matcher, env, cwd):
                    failed += 1
                    print(f"{markdown}:{line}: transcript drifted at: $ {command}\n"
                          "--- documented\n" + "\n".join(expected) + "\n--- actual\n" + "\n".join(actual) + "\n")
            print(f"{markdown}: {len(blocks)} transcripts, {sum(len(s) for _, s in blocks)} commands")
            stop_every_job(args.dlaunch, env)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
