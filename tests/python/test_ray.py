"""Jobs on the real Ray head of the RayCluster fixture (label `ray`), through the package. Skipped, like the
cluster's other tests, when that fixture found no Ray; under CI=true that fails."""

from __future__ import annotations

import os

import pytest
from jobs import two_ranks

import dlaunch


@pytest.fixture(scope="module")
def address() -> str:
    path = os.environ.get("DLAUNCH_RAY_ADDRESS_FILE", "")
    if not os.path.exists(path):
        missing = f"no Ray cluster: {path} is missing (scripts/ray-cluster.sh start did not run)"
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    with open(path, encoding="utf-8") as file:
        return file.read().strip()


def test_a_two_replica_job_runs_on_ray_and_prints_its_ranks(address: str) -> None:
    handle = two_ranks("hello-ray").run(platform="ray", options={"address": address})
    assert handle.platform == "ray"
    assert handle.wait() == 0
    assert sorted(line for line in handle.logs() if " rank " in line) == ["[worker/0] rank 0 of 2",
                                                                          "[worker/1] rank 1 of 2"]
    assert handle.status().state == "SUCCEEDED"


def test_a_failing_ray_job_s_exit_code_comes_back(address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAY_ADDRESS", address)  # the ray plugin's default address, as for the CLI
    handle = dlaunch.Job("fails-ray").role("worker", "exit 3", replicas=2).run(platform="ray")
    assert handle.wait() == 3


def test_an_unreachable_ray_is_unreachable() -> None:
    with pytest.raises(dlaunch.Unreachable) as caught:
        two_ranks().run(platform="ray", options={"address": "http://127.0.0.1:1"})
    assert caught.value.exit_code == 69
