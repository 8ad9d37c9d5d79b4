#!/usr/bin/env python3
"""`dlaunch ui` in a real browser: Debian's headless Chromium driven by Selenium. The jobs page lists a local
job, its page shows the job's output live, its Stop button stops it (the process is gone), and the browser is
refused without the token and under a rebound host name. Screenshots of each page go to --screenshots.

Usage: browser_test.py --dlaunch BIN --screenshots DIR

Exits 77 (skipped) when the browser cannot start, except under CI=true, where that fails.
"""
import argparse
import os
import subprocess
import sys
import unittest
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from dlaunch_testlib import alive, isolated_env, read, run_unittests, wait_for

SKIP = 77
ARGS = None
ENV = None
REBOUND_HOST = "rebound.example"  # resolved to 127.0.0.1 by the browser: a DNS-rebinding attacker's name


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,860",
                 f"--host-resolver-rules=MAP {REBOUND_HOST} 127.0.0.1"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Browser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        home = ENV["XDG_CONFIG_HOME"]
        cls.pid_file = os.path.join(home, "worker.pid")
        spec = os.path.join(home, "ticker.toml")
        with open(spec, "w", encoding="utf-8") as f:
            f.write('name = "ticker"\n[[roles]]\nname = "worker"\nreplicas = 2\nper_node = 2\n'
                    'entrypoint = ["/bin/sh", "-c", "[ $RANK = 0 ] && echo $$ > ' + cls.pid_file +
                    '; i=0; while :; do echo tick $i of rank $RANK; i=$((i+1)); sleep 0.3; done"]\n')
        run = subprocess.run([ARGS.dlaunch, "run", spec], env=ENV, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        cls.handle = run.stdout.strip().split("\n")[-1]
        assert wait_for(lambda: read(cls.pid_file)), "the job's process wrote no pid"
        cls.pid = int(read(cls.pid_file))
        cls.ui = subprocess.Popen([ARGS.dlaunch, "ui"], env=ENV, stdout=subprocess.PIPE, text=True)
        cls.url = cls.ui.stdout.readline().strip()
        cls.port = urllib.parse.urlsplit(cls.url).port
        cls.browser = start_browser()
        cls.wait = WebDriverWait(cls.browser, 20)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.ui.terminate()
        cls.ui.wait(timeout=10)
        cls.ui.stdout.close()
        subprocess.run([ARGS.dlaunch, "stop", cls.handle], env=ENV, capture_output=True, timeout=60)

    def screenshot(self, name):
        os.makedirs(ARGS.screenshots, exist_ok=True)
        self.browser.save_screenshot(os.path.join(ARGS.screenshots, name + ".png"))

    def test_1_refused_without_the_token_and_under_another_name(self):
        self.browser.delete_all_cookies()
        self.browser.get(f"http://127.0.0.1:{self.port}/")
        self.assertIn("no valid token", self.browser.find_element(By.TAG_NAME, "body").text)
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(self.url).query)["token"][0]
        self.browser.get(f"http://{REBOUND_HOST}:{self.port}/?token={token}")
        self.assertIn("Host header names another server", self.browser.find_element(By.TAG_NAME, "body").text)

    def test_2_jobs_page_lists_the_job(self):
        self.browser.get(self.url)
        row = self.wait.until(expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, f'#jobs tr[data-handle="{self.handle}"]')))
        self.wait.until(lambda _: "RUNNING" in row.text)
        self.assertIn("local", row.text)
        self.assertIn("ticker", row.text)
        self.screenshot("jobs")
        self.browser.get(self.url + "#/plugins")
        self.wait.until(lambda b: "local" in b.find_element(By.ID, "main").text)
        self.screenshot("plugins")

    def test_3_logs_appear_live_and_stop_stops_the_job(self):
        self.browser.get(self.url)
        self.wait.until(expected_conditions.element_to_be_clickable((By.LINK_TEXT, self.handle))).click()
        logs = self.wait.until(expected_conditions.presence_of_element_located((By.ID, "logs")))
        self.wait.until(lambda _: "tick 1 of rank 1" in logs.text)
        seen = logs.text.count("\n")
        # Live: lines the job prints after the page opened arrive without a reload.
        self.wait.until(lambda _: logs.text.count("\n") >= seen + 4)
        self.wait.until(lambda b: "RUNNING" in b.find_element(By.ID, "job-state").text)
        self.screenshot("job")
        self.browser.find_element(By.ID, "stop").click()
        self.wait.until(expected_conditions.alert_is_present()).accept()
        self.assertTrue(wait_for(lambda: not alive(self.pid)), f"process {self.pid} still runs after Stop")
        self.wait.until(lambda b: "STOPPED" in b.find_element(By.ID, "job-state").text)
        history = self.browser.find_element(By.ID, "history").text
        self.assertLess(history.index("RUNNING"), history.index("STOPPED"), history)
        # The submit and the start come from the journal and the platform, before any state the page saw.
        self.assertLess(history.index("submitted"), history.index("started"), history)
        self.assertLess(history.index("started"), history.index("RUNNING"), history)
        self.screenshot("job-stopped")
        self.browser.get(self.url + "#/timeline")
        self.wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "svg rect"))
        self.screenshot("timeline")


def main():
    global ARGS, ENV
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlaunch", required=True)
    parser.add_argument("--screenshots", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.dlaunch = os.path.abspath(ARGS.dlaunch)
    try:
        start_browser().quit()
    except (WebDriverException, OSError) as e:
        print(f"browser_test: headless Chromium does not start: {e}", file=sys.stderr)
        return 1 if os.environ.get("CI") == "true" else SKIP
    with isolated_env() as ENV:
        return run_unittests(rest)


if __name__ == "__main__":
    sys.exit(main())
