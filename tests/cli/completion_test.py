#!/usr/bin/env python3
"""`dlaunch completion bash` driven as bash drives it: the script is sourced in `bash -c`, COMP_WORDS and
COMP_CWORD are set as bash sets them (split at ':' and '='), _dlaunch is called, and COMPREPLY is compared.
The fish script is asked by fish itself (`complete -C LINE`); the zsh one is called with zsh's `words` and
`CURRENT` set and its compadd and _files replaced by functions that print what they are given (zsh's
completion system needs a terminal). Each of those two is skipped when its shell is not installed.

Usage: completion_test.py --dlaunch BIN

The journal holds a real local job, so that its handle is offered; the plugins are the built ones.
"""
import os
import shutil
import subprocess
import sys
import unittest

from dlaunch_testlib import dlaunch_argument, isolated_env, run_unittests


def needs(shell):
    """Skips a test when `shell` is not installed, except under CI=true: scripts/install-deps.sh installs it
    there, and a shell that is missing fails the test rather than skipping it."""
    if shutil.which(shell) or os.environ.get("CI") == "true":
        return lambda test: test
    return unittest.skip(f"{shell} is not installed")


DLAUNCH = None
ENV = None


def complete(*words, cword=None):
    """COMPREPLY for the line `dlaunch WORDS...`, the cursor at the end of the last word (cword)."""
    comp_words = [DLAUNCH, *words]
    cword = len(comp_words) - 1 if cword is None else cword
    script = subprocess.run([DLAUNCH, "completion", "bash"], env=ENV, capture_output=True, text=True, check=True)
    program = (script.stdout + "\nCOMP_WORDS=(\"$@\")\nCOMP_CWORD=" + str(cword) +
               "\n_dlaunch\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    run = subprocess.run(["bash", "-c", program, "bash", *comp_words], env=ENV, capture_output=True, text=True,
                         timeout=30)
    if run.returncode != 0:
        raise AssertionError(f"bash failed ({run.returncode}): {run.stderr}")
    return [line for line in run.stdout.split("\n") if line]


def complete_fish(line):
    """What fish offers for `line`, the dlaunch under test first in PATH."""
    script = subprocess.run([DLAUNCH, "completion", "fish"], env=ENV, capture_output=True, text=True, check=True)
    env = dict(ENV, PATH=os.path.dirname(DLAUNCH) + os.pathsep + ENV["PATH"])
    run = subprocess.run(["fish", "--no-config", "-c", script.stdout + f"\ncomplete -C '{line}'\n"], env=env,
                         capture_output=True, text=True, timeout=30)
    if run.returncode != 0:
        raise AssertionError(f"fish failed ({run.returncode}): {run.stderr}")
    return [line.split("\t")[0] for line in run.stdout.split("\n") if line]


def complete_zsh(*words):
    """What the zsh script hands compadd (or FILES for _files) for `dlaunch WORDS...`."""
    script = subprocess.run([DLAUNCH, "completion", "zsh"], env=ENV, capture_output=True, text=True, check=True)
    program = ("compdef() { :; }\n"
               "compadd() { while [[ $# -gt 0 && $1 != -- ]]; do shift; done; shift; print -rl -- \"$@\"; }\n"
               "_files() { print FILES; }\n" + script.stdout +
               "\nwords=(\"$@\"); CURRENT=$#; _dlaunch\n")
    run = subprocess.run(["zsh", "-f", "-c", program, "zsh", DLAUNCH, *words], env=ENV, capture_output=True,
                         text=True, timeout=30)
    if run.returncode != 0:
        raise AssertionError(f"zsh failed ({run.returncode}): {run.stderr}")
    return [line for line in run.stdout.split("\n") if line]


class ShellCompletion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        spec = os.path.join(ENV["XDG_CONFIG_HOME"], "quick.toml")
        with open(spec, "w", encoding="utf-8") as f:
            f.write('name = "quick"\n[[roles]]\nname = "w"\nentrypoint = "true"\n')
        run = subprocess.run([DLAUNCH, "run", spec, "--wait"], env=ENV, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        cls.handle = run.stdout.strip().split("\n")[-1]
        cls.spec = spec

    def test_commands(self):
        self.assertEqual(complete("st"), ["status", "stop"])
        self.assertIn("completion", complete(""))

    def test_options_of_the_command(self):
        options = complete("logs", "--")
        for option in ["--follow", "--tail", "--set", "--plugin-dir", "--help"]:
            self.assertIn(option, options)
        self.assertNotIn("--dry-run", options)
        self.assertEqual(complete("run", "--dry"), ["--dry-run"])

    def test_platform_ids_from_the_manifests(self):
        self.assertIn("local", complete("run", "x.toml", "-p", ""))
        self.assertEqual(complete("list", "--platform", "lo"), ["local"])
        self.assertEqual(complete("plugins", "info", "lo"), ["local"])

    def test_platform_options_under_set(self):
        # Bash splits nothing in `platform.local.`: the platform comes first, then its options.
        self.assertIn("platform.local.", complete("stop", "--set", "platform."))
        options = complete("stop", "--set", "platform.local.")
        self.assertTrue(options and all(o.startswith("platform.local.") and o.endswith("=") for o in options),
                        options)

    def test_handles_from_the_journal(self):
        platform, native = self.handle.split(":", 1)
        # `local:` arrives as `local` `:`; readline replaces what follows the ':', so that is what is offered.
        self.assertEqual(complete("status", "lo"), [self.handle])
        self.assertEqual(complete("status", platform, ":"), [native])
        self.assertEqual(complete("stop", platform, ":", native[:3]), [native])
        self.assertEqual(complete("logs", "-f", "ray", ":", ""), [])

    def test_values_of_options(self):
        self.assertEqual(complete("list", "--state", "FA"), ["FAILED"])
        self.assertEqual(complete("status", "-o", ""), ["text", "json"])
        self.assertEqual(complete("completion", ""), ["bash", "fish", "zsh"])

    def test_files_where_a_file_goes(self):
        directory, name = os.path.split(self.spec)
        self.assertEqual(complete("run", os.path.join(directory, name[:3])), [self.spec])
        self.assertEqual(complete("--config", os.path.join(directory, name[:3])), [self.spec])
        # The driver's arguments after `--` are its own: files, never dlaunch's options.
        self.assertEqual(complete("run", self.spec, "--", os.path.join(directory, name[:3])), [self.spec])

    @needs("fish")
    def test_fish(self):
        self.assertEqual(complete_fish("dlaunch st"), ["status", "stop"])
        self.assertEqual(complete_fish("dlaunch stop " + self.handle[:4]), [self.handle])
        self.assertIn("platform.local.", complete_fish("dlaunch status --set platform."))

    @needs("zsh")
    def test_zsh(self):
        self.assertEqual(complete_zsh("st"), ["status", "stop"])
        self.assertEqual(complete_zsh("stop", self.handle[:4]), [self.handle])
        self.assertEqual(complete_zsh("run", ""), ["FILES"])


def main():
    global DLAUNCH, ENV
    DLAUNCH, rest = dlaunch_argument()
    with isolated_env() as ENV:
        return run_unittests(rest)


if __name__ == "__main__":
    sys.exit(main())
