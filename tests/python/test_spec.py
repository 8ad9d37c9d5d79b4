"""Jobs checked by the core through the package: located diagnostics, overrides, the normalized document."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import dlaunch

BAD_TOML = """\
name = "Bad_Name"

[[roles]]
name = "trainer"
entrypoint = ["python3", "train.py"]
resources = { cpu = 1, memory = "512" }
replicsa = 2
"""


def test_a_spec_file_s_errors_are_located_and_printed_as_the_cli_prints_them(tmp_path: Path, cli: str) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(BAD_TOML)
    with pytest.raises(dlaunch.SpecError) as caught:
        dlaunch.Job.from_file(spec).validate()
    error = caught.value
    found = [(d.severity, d.file, d.line, d.column, d.key_path) for d in error.diagnostics]
    assert found == [
        ("error", str(spec), 1, 8, "name"),
        ("error", str(spec), 6, 33, "roles[0].resources.memory"),
        ("error", str(spec), 7, 1, "roles[0].replicsa"),
    ]
    assert error.diagnostics[2].hint == "did you mean 'replicas'?"
    assert "is not a valid name" in error.diagnostics[0].message
    assert error.exit_code == 65 and isinstance(error, dlaunch.DlaunchError)
    # str() is compiler-style, exactly the lines `dlaunch validate` writes to stderr.
    validate = subprocess.run([cli, "validate", str(spec)], capture_output=True, text=True)
    assert validate.returncode == 65
    assert str(error) + "\n" == validate.stderr


def test_a_built_job_s_errors_point_into_its_spec_text() -> None:
    job = dlaunch.Job("Bad_Name").role("trainer", ["python3", "train.py"], replicas=0,
                                       resources={"memory": "512"})
    with pytest.raises(dlaunch.SpecError) as caught:
        job.validate()
    lines = job.spec_text().splitlines()
    located = {d.key_path: lines[d.line - 1][d.column - 1:] for d in caught.value.diagnostics}
    assert located["name"].startswith('"Bad_Name"')
    assert located["roles[0].replicas"].startswith("0")
    assert located["roles[0].resources.memory"].startswith('"512"')
    assert all(d.file == "<job Bad_Name>" for d in caught.value.diagnostics)
    assert "<job Bad_Name>:2:11: error: job name 'Bad_Name' is not a valid name (at name)" in str(caught.value)


def test_overrides_are_checked_and_located_as_set_values_are(tmp_path: Path) -> None:
    spec = tmp_path / "hello.toml"
    spec.write_text('[[roles]]\nname = "worker"\nentrypoint = "true"\n')
    job = dlaunch.Job.from_file(spec, overrides={"roles.worker.replicas": 2.5, "roles.wrker.per_node": 1})
    with pytest.raises(dlaunch.SpecError) as caught:
        job.validate()
    found = [(d.file, d.line, d.column, d.key_path) for d in caught.value.diagnostics]
    assert found == [("<override 1>", 1, 23, "roles[0].replicas"), ("<override 2>", 1, 7, "roles")]
    assert caught.value.diagnostics[1].hint == "did you mean 'worker'?"
    # A string stays a string: "4" is not the integer 4.
    with pytest.raises(dlaunch.SpecError, match="must be an integer, got string"):
        dlaunch.Job.from_file(spec, overrides={"roles.worker.replicas": "4"}).validate()
    assert dlaunch.Job.from_file(spec, overrides={"roles.worker.replicas": 4}).validate() == []


def test_a_missing_spec_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(dlaunch.SpecUnreadable) as caught:
        dlaunch.Job.from_file(tmp_path / "nope.toml").validate()
    assert caught.value.exit_code == 66 and "nope.toml" in str(caught.value)


def test_an_unknown_platform_is_an_error_of_the_job_with_a_hint() -> None:
    with pytest.raises(dlaunch.SpecError, match="no plugin for platform 'lcoal' is installed.*did you mean 'local'"):
        dlaunch.Job("x").role("w", "true").validate(platform="lcoal")


SAME_JOB_TOML = """\
name = "mnist-ddp"
node_num = 1
device_type = "CPU"
env = { OMP_NUM_THREADS = "1" }
labels = { team = "nlp" }

[failover]
max_restarts = 2

[[roles]]
name = "trainer"
entrypoint = ["python3", "train.py", "--epochs", "1"]
replicas = 2
per_node = 2
resources = { cpu = 1, gpu = 0, memory = "512Mi" }
env = { LOG_LEVEL = "info" }
driver = true

[[roles]]
name = "monitor"
entrypoint = "python3 monitor.py"

[platform.local]
stop_grace_seconds = 5
"""


def test_a_built_job_and_the_same_toml_give_byte_identical_documents(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the working_dir of a text is the current directory, of a file its directory
    built = (dlaunch.Job("mnist-ddp", node_num=1, device_type="CPU", env={"OMP_NUM_THREADS": "1"},
                         labels={"team": "nlp"})
             .failover(max_restarts=2)
             .role("trainer", ["python3", "train.py", "--epochs", "1"], replicas=2, per_node=2,
                   resources={"cpu": 1, "gpu": 0, "memory": "512Mi"}, env={"LOG_LEVEL": "info"}, driver=True)
             .role("monitor", "python3 monitor.py")
             .platform_options("local", stop_grace_seconds=5))
    from_toml = dlaunch.Job.from_text(SAME_JOB_TOML)
    assert built.document() == from_toml.document()
    assert json.loads(built.document())["platform"] == {"stop_grace_seconds": 5}
    # From a file, the one difference is that the document names it.
    spec = tmp_path / "mnist.toml"
    spec.write_text(SAME_JOB_TOML)
    document = json.loads(dlaunch.Job.from_file(spec).document(), object_pairs_hook=list)
    assert ("spec_file", str(spec)) in document
    assert json.dumps([p if p[0] != "spec_file" else ("spec_file", "") for p in document],
                      separators=(",", ":")) == json.dumps(json.loads(built.document(), object_pairs_hook=list),
                                                           separators=(",", ":"))


def test_a_dry_run_sends_nothing_and_says_what_would_run() -> None:
    text = dlaunch.Job("dry").role("w", ["/bin/echo", "hi"]).dry_run(platform="local")
    assert "/bin/echo" in text


def test_the_builder_refuses_to_edit_a_file_s_job(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"\.set\(\)"):
        dlaunch.Job.from_file(tmp_path / "x.toml").role("w", "true")


def test_options_need_their_platform() -> None:
    with pytest.raises(TypeError, match="platform="):
        dlaunch.Job("x").role("w", "true").validate(options={"stop_grace_seconds": 1})
