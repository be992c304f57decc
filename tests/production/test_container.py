"""deploy/container: what can be checked without a container engine (none on the test machine, and none in CI).

Checked: the Containerfile starts from a Debian slim Python image, installs with the README's command, runs as
a non-root user, and its ENTRYPOINT / HEALTHCHECK are the files shipped beside it; the build context leaves the
host's .venv out; the entrypoint, run directly with SQLite in a temporary directory, upgrades the database and
starts the tool, which the healthcheck then finds healthy (and unhealthy once it is stopped); the entrypoint
passes other commands to pix-lti. NOT exercised: building the image and running it under Docker or Podman."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.production.harness import ROOT, Tool, free_ports

CONTAINER = ROOT / "deploy" / "container"
PIX_LTI = str(Path(sys.executable).parent / "pix-lti")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Containerfile, continuation lines joined, comments dropped."""
    joined, lines = "", []
    for line in (CONTAINER / "Containerfile").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        joined += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            lines.append(joined.strip())
            joined = ""
    return [(line.split(" ", 1)[0].upper(), line.split(" ", 1)[1]) for line in lines]


def test_the_containerfile_builds_what_the_readme_installs_and_runs_it_unprivileged() -> None:
    steps = _instructions()
    kinds = [kind for kind, _ in steps]
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.") and "slim-bookworm" in steps[0][1]
    runs = " ".join(args for kind, args in steps if kind == "RUN")
    assert "bash scripts/install.sh" in runs
    assert "bash scripts/install.sh" in (ROOT / "README.md").read_text(encoding="utf-8")  # the same command
    users = [args for kind, args in steps if kind == "USER"]
    assert users == ["pix-lti"] and "useradd --system" in runs
    assert kinds.index("USER") < kinds.index("ENTRYPOINT") and kinds.index("USER") > kinds.index("RUN")
    (entrypoint,) = [json.loads(args) for kind, args in steps if kind == "ENTRYPOINT"]
    assert entrypoint == ["/opt/pix-lti/deploy/container/entrypoint.sh"]
    assert os.access(CONTAINER / "entrypoint.sh", os.X_OK)
    (health,) = [args for kind, args in steps if kind == "HEALTHCHECK"]
    command = json.loads(health.split(" CMD ", 1)[1])
    assert command == ["/opt/pix-lti/.venv/bin/python", "/opt/pix-lti/deploy/container/healthcheck.py"]
    assert {"COPY", "WORKDIR", "EXPOSE", "CMD"} <= set(kinds)
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", "var"} <= set(ignored)  # the host's venv and data never enter the image


def _healthy(port: int) -> int:
    return subprocess.run([sys.executable, str(CONTAINER / "healthcheck.py")], timeout=30,
                          env={**os.environ, "PIX_LTI_LISTEN_PORT": str(port)}).returncode


def test_the_entrypoint_migrates_then_serves_and_the_healthcheck_sees_it(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    database = tmp_path / "pix-lti.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_")}
    env |= {"PIX_LTI_BIN": PIX_LTI, "PIX_LTI_DATABASE_URL": f"sqlite:///{database}", "PIX_LTI_LISTEN_ADDRESS":
            "127.0.0.1", "PIX_LTI_LISTEN_PORT": str(port), "PIX_LTI_WORKERS": "1"}
    assert _healthy(port) == 1  # nothing listens yet: the check can fail
    log = tmp_path / "entrypoint.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(CONTAINER / "entrypoint.sh")], cwd=tmp_path, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    tool = Tool(port, env, process=process, log=[log])
    try:
        tool.wait_ready(90)
        assert _healthy(port) == 0
        assert "Base à jour." in log.read_text()  # `pix-lti migrate` ran before `serve`
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT count(*) FROM alembic_version").fetchone()[0] >= 1
        os.killpg(process.pid, signal.SIGTERM)  # what `docker stop` sends
        # uvicorn (exec'd by the entrypoint: it is PID 1 in a container) shuts down gracefully, then re-raises
        # the signal (uvicorn 0.29 and later): the status is that of SIGTERM, within the stop timeout
        assert process.wait(30) in (0, -signal.SIGTERM)
        assert "Traceback" not in log.read_text()
        assert _healthy(port) == 1
    finally:
        tool.stop()

    other = subprocess.run([str(CONTAINER / "entrypoint.sh"), "registration", "list"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=60)
    assert other.returncode == 0, other.stderr
