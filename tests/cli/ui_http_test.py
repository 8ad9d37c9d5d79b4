#!/usr/bin/env python3
"""`dlaunch ui` spoken to over HTTP as a browser and an attacker would: the token, the Host check, no CORS,
state changes only by POST with the token, and a real local job stopped from the page's API (its process gone).

Usage: ui_http_test.py --dlaunch BIN
"""
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

from dlaunch_testlib import alive, dlaunch_argument, isolated_env, read, run_unittests, wait_for

DLAUNCH = None
ENV = None


class UiOverHttp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        home = ENV["XDG_CONFIG_HOME"]
        cls.pid_file = os.path.join(home, "worker.pid")
        spec = os.path.join(home, "sleeper.toml")
        with open(spec, "w", encoding="utf-8") as f:
            f.write('name = "sleeper"\n[[roles]]\nname = "w"\n'
                    f'entrypoint = ["/bin/sh", "-c", "echo $$ > {cls.pid_file}; echo sleeping now; exec sleep 300"]\n')
        # A finished sweep of two jobs: the page says which sweep a job is of.
        sweep = subprocess.run([DLAUNCH, "run", spec, "--sweep", "lr=1,2", "--set", 'roles.w.entrypoint="true"',
                                "--wait"], env=ENV, capture_output=True, text=True, timeout=60)
        assert sweep.returncode == 0, sweep.stderr
        cls.sweep = sweep.stdout.strip().split("\n")[-1]
        run = subprocess.run([DLAUNCH, "run", spec], env=ENV, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        cls.handle = run.stdout.strip().split("\n")[-1]
        assert wait_for(lambda: read(cls.pid_file)), "the job's process wrote no pid"
        cls.pid = int(read(cls.pid_file))
        # A job on a Ray cluster that does not answer: a port that takes connections and never replies (its
        # listener never accepts). Its platform must not hold up the page. Only where the Ray plugin is built
        # (not in the sanitizer build, which has the local one alone).
        cls.silent = socket.socket()
        cls.lost = None
        ray = subprocess.run([DLAUNCH, "plugins", "info", "ray"], env=ENV, capture_output=True, timeout=30)
        if ray.returncode == 0:
            cls.silent.bind(("127.0.0.1", 0))
            cls.silent.listen(16)
            address = f"http://127.0.0.1:{cls.silent.getsockname()[1]}"
            # The journal's options are for commands on one job; the page asks each platform for its list with
            # the configured ones, as `dlaunch list` does.
            os.makedirs(os.path.join(home, "dlaunch"))
            with open(os.path.join(home, "dlaunch", "config.toml"), "w", encoding="utf-8") as f:
                f.write(f'[platform.ray]\naddress = "{address}"\nrequest_timeout_s = 60\nmax_attempts = 1\n')
            cls.lost = "ray:raysubmit_lost"
            with sqlite3.connect(os.path.join(ENV["XDG_STATE_HOME"], "dlaunch", "journal.db")) as journal:
                now = int(time.time() * 1000)
                journal.execute("INSERT INTO jobs (submission_id, platform, job_name, spec_file, state, native_id, "
                                "error, options, created_ms, updated_ms) VALUES ('lost-1', 'ray', 'lost', "
                                "'/lost.toml', 'submitted', 'raysubmit_lost', '', ?, ?, ?)",
                                (json.dumps({"address": address, "request_timeout_s": 60, "max_attempts": 1}), now,
                                 now))
        started = time.perf_counter()
        cls.ui = subprocess.Popen([DLAUNCH, "ui"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cls.url = cls.ui.stdout.readline().strip()
        cls.startup_ms = (time.perf_counter() - started) * 1000
        parsed = urllib.parse.urlsplit(cls.url)
        cls.port = parsed.port
        cls.token = urllib.parse.parse_qs(parsed.query)["token"][0]
        print(f"dlaunch ui printed {cls.url} after {cls.startup_ms:.1f} ms", file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.ui.terminate()
        cls.ui.wait(timeout=10)
        cls.ui.stdout.close()
        cls.ui.stderr.close()
        cls.silent.close()
        subprocess.run([DLAUNCH, "stop", cls.handle], env=ENV, capture_output=True, timeout=60)

    def request(self, method, path, headers=None, host=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        all_headers = {"Host": host or f"127.0.0.1:{self.port}", **(headers or {})}
        connection.request(method, path, headers=all_headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body

    def test_address_is_loopback_with_a_long_random_token(self):
        self.assertTrue(self.url.startswith(f"http://127.0.0.1:{self.port}/?token="), self.url)
        self.assertGreaterEqual(len(self.token), 32)

    def test_a_request_without_the_token_is_refused(self):
        for path in ["/", "/app.js", "/api/jobs", "/api/jobs/events"]:
            response, _ = self.request("GET", path)
            self.assertEqual(response.status, 403, path)
        response, _ = self.request("GET", "/api/jobs?token=" + "0" * len(self.token))
        self.assertEqual(response.status, 403)

    def test_the_token_opens_the_page_and_sets_its_cookie(self):
        response, body = self.request("GET", "/?token=" + self.token)
        self.assertEqual(response.status, 200)
        self.assertIn(b"<title>dlaunch</title>", body)
        cookie = response.getheader("Set-Cookie")
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        # The page's next requests carry only the cookie.
        response, _ = self.request("GET", "/app.js", headers={"Cookie": cookie.split(";")[0]})
        self.assertEqual(response.status, 200)

    def test_a_forged_host_is_refused(self):
        # DNS rebinding: a name the attacker controls, resolved to 127.0.0.1, with the right token even.
        for host in [f"evil.example:{self.port}", "127.0.0.1:1", "localhost"]:
            response, _ = self.request("GET", "/?token=" + self.token, host=host)
            self.assertEqual(response.status, 403, host)
        response, _ = self.request("GET", "/?token=" + self.token, host=f"localhost:{self.port}")
        self.assertEqual(response.status, 200)

    def test_no_cors_header(self):
        for path in ["/api/jobs", "/", "/nothing"]:
            response, _ = self.request("GET", path, headers={"X-Dlaunch-Token": self.token,
                                                             "Origin": "http://evil.example"})
            self.assertIsNone(response.getheader("Access-Control-Allow-Origin"), path)
        response, _ = self.request("OPTIONS", "/api/job/stop?handle=" + self.handle,
                                   headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
        self.assertNotEqual(response.status, 200)
        self.assertIsNone(response.getheader("Access-Control-Allow-Origin"))

    def test_jobs_and_logs(self):
        response, body = self.request("GET", "/api/jobs", headers={"X-Dlaunch-Token": self.token})
        self.assertEqual(response.status, 200)
        jobs = {j["handle"]: j for j in json.loads(body)}
        self.assertIn(self.handle, jobs)
        self.assertEqual(jobs[self.handle]["platform"], "local")
        self.assertEqual(jobs[self.handle]["state"], "RUNNING")
        self.assertNotIn("sweep", jobs[self.handle])
        self.assertTrue(self.sweep.startswith("sweep:"), self.sweep)
        self.assertEqual(sorted(j["name"] for j in jobs.values() if j.get("sweep") == self.sweep),
                         ["sleeper-0", "sleeper-1"])
        # The logs stream as events, as `dlaunch logs -f` prints them.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", "/api/job/logs?handle=" + urllib.parse.quote(self.handle),
                           headers={"Host": f"127.0.0.1:{self.port}", "X-Dlaunch-Token": self.token})
        response = connection.getresponse()
        self.assertEqual(response.getheader("Content-Type"), "text/event-stream")
        seen = b""
        while b"sleeping now" not in seen:
            line = response.fp.readline()
            self.assertTrue(line, f"the stream ended before the job's line: {seen!r}")
            seen += line
        self.assertIn(b"event: log", seen)
        connection.close()

    def test_open_hands_the_url_with_its_token_to_the_desktops_browser(self):
        with tempfile.TemporaryDirectory() as bin_dir:
            opened = os.path.join(bin_dir, "opened")
            with open(os.path.join(bin_dir, "xdg-open"), "w", encoding="utf-8") as f:
                f.write(f'#!/bin/sh\nprintf "%s" "$1" > {opened}.tmp && mv {opened}.tmp {opened}\n')
            os.chmod(os.path.join(bin_dir, "xdg-open"), 0o755)
            env = dict(ENV, PATH=bin_dir + os.pathsep + ENV["PATH"])
            ui = subprocess.Popen([DLAUNCH, "ui", "--open"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
            try:
                url = ui.stdout.readline().strip()
                self.assertTrue(wait_for(lambda: os.path.exists(opened)), "xdg-open was not run")
                self.assertEqual(read(opened), url)
                self.assertIn("token=", url)
            finally:
                ui.terminate()
                ui.communicate(timeout=10)

    def test_a_job_shows_the_document_it_was_submitted_with(self):
        response, body = self.request("GET", "/api/job/info?handle=" + urllib.parse.quote(self.handle),
                                      headers={"X-Dlaunch-Token": self.token})
        self.assertEqual(response.status, 200, body)
        document = json.loads(json.loads(body)["document"])
        self.assertEqual(document["name"], "sleeper")
        self.assertEqual(document["roles"][0]["name"], "w")

    def test_jobs_say_of_the_journal_what_list_says(self):
        # One writer of the journal's fields serves both: a field renamed or dropped in one shows here.
        _, body = self.request("GET", "/api/jobs", headers={"X-Dlaunch-Token": self.token})
        page = {j["submission_id"]: j for j in json.loads(body)}
        # list waits for every platform: the silent Ray address (where Ray is built) is swapped for one that
        # refuses at once.
        with tempfile.TemporaryDirectory() as config:
            if self.lost is not None:
                os.makedirs(os.path.join(config, "dlaunch"))
                with open(os.path.join(config, "dlaunch", "config.toml"), "w", encoding="utf-8") as f:
                    f.write('[platform.ray]\naddress = "http://127.0.0.1:1"\nmax_attempts = 1\n')
            listed = subprocess.run([DLAUNCH, "list", "-o", "json", "--limit", "0"],
                                    env=dict(ENV, XDG_CONFIG_HOME=config), capture_output=True, text=True, timeout=60)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        listed = {j["submission_id"]: j for j in json.loads(listed.stdout)}
        self.assertEqual(sorted(page), sorted(listed))
        fields = ["handle", "submission_id", "platform", "name", "journal_state", "created_ms", "sweep"]
        for submission_id, job in listed.items():
            self.assertEqual({f: job.get(f) for f in fields}, {f: page[submission_id].get(f) for f in fields})

    def test_an_unreachable_platform_does_not_hold_up_the_page(self):
        if self.lost is None:
            self.skipTest("the Ray plugin is not built")
        # The silent platform's request timeout is 60 s, the page request's own 10 s: an answer at all is one
        # that did not wait for the platform.
        response, body = self.request("GET", "/api/jobs", headers={"X-Dlaunch-Token": self.token})
        self.assertEqual(response.status, 200)
        jobs = {j["handle"]: j for j in json.loads(body)}
        self.assertTrue(jobs[self.lost]["unreachable"], jobs[self.lost])
        self.assertEqual(jobs[self.handle]["state"], "RUNNING")

    def test_z_stop_only_by_post_with_the_token(self):  # z: last, the other tests need the job running
        path = "/api/job/stop?handle=" + urllib.parse.quote(self.handle)
        response, _ = self.request("GET", path, headers={"X-Dlaunch-Token": self.token})
        self.assertEqual(response.status, 404)
        # A cross-site form posts with the cookie, never with the header.
        cookie = f"dlaunch_ui_token_{self.port}={self.token}"
        response, _ = self.request("POST", path, headers={"Cookie": cookie})
        self.assertEqual(response.status, 403)
        response, _ = self.request("POST", path + "&token=" + self.token)
        self.assertEqual(response.status, 403)
        self.assertTrue(alive(self.pid), "the job must still run after refused stops")
        response, body = self.request("POST", path, headers={"X-Dlaunch-Token": self.token})
        self.assertEqual(response.status, 200, body)
        self.assertTrue(wait_for(lambda: not alive(self.pid)), f"process {self.pid} still runs after the stop")
        response, body = self.request("GET", "/api/job/info?handle=" + urllib.parse.quote(self.handle),
                                      headers={"X-Dlaunch-Token": self.token})
        self.assertEqual(json.loads(body)["status"]["state"], "STOPPED")


def main():
    global DLAUNCH, ENV
    DLAUNCH, rest = dlaunch_argument()
    with isolated_env() as ENV:
        return run_unittests(rest)


if __name__ == "__main__":
    sys.exit(main())
