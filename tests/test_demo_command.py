"""`pix-lti demo` as a person runs it: a real subprocess on busy and free ports, stopped by signals."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
READY = "Ctrl-C pour arrêter."
START_SECONDS, STOP_SECONDS = 90, 30


@dataclass
class Demo:
    process: subprocess.Popen[str]
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                if self.lines.get(timeout=0.5) == READY:
                    return
            except queue.Empty:
                if self.process.poll() is not None:
                    break
        pytest.fail(f"the demo did not start:\n{self.output()}")

    def url(self, prefix: str) -> str:
        line = next(line for line in self.out if line.startswith(prefix))
        return line.split(" : ", 1)[1].split()[0].rstrip("/")

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=STOP_SECONDS)

    def output(self) -> str:
        time.sleep(0.2)  # let the reader threads take the last lines
        return "\n".join(self.out) + "\n--- stderr\n" + "\n".join(self.err)


def _start(tmp_path: Path, *options: str) -> Demo:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_")}
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1",
               PIX_LTI_DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3")
    process = subprocess.Popen([sys.executable, "-m", "pix_lti.cli", "demo", *options], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    demo = Demo(process)

    def read(stream, into: list[str]) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            into.append(line.rstrip("\n"))
            demo.lines.put(line.rstrip("\n"))

    for stream, into in ((process.stdout, demo.out), (process.stderr, demo.err)):
        threading.Thread(target=read, args=(stream, into), daemon=True).start()
    return demo


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on which another program listens."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.fixture
def demos() -> Iterator[list[Demo]]:
    started: list[Demo] = []
    yield started
    for demo in started:
        if demo.process.poll() is None:
            demo.process.kill()
            demo.process.wait()


def _refused(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.ConnectError:
        return True
    return False


def test_a_busy_port_with_exact_ports_is_named_before_anything_is_announced_and_exits_non_zero(
        tmp_path: Path, busy_port: int, demos: list[Demo]) -> None:
    demo = _start(tmp_path, "--tool-port", str(busy_port), "--platform-port", "0", "--exact-ports")
    demos.append(demo)

    code = demo.process.wait(timeout=START_SECONDS)

    output = demo.output()
    assert code == 1
    assert f"127.0.0.1:{busy_port}" in output and "port déjà utilisé" in output
    assert "ouvrez cette adresse" not in output
    assert "Traceback" not in output, output


def test_a_busy_port_falls_back_to_a_free_one_and_sigterm_stops_the_tool_and_the_platform(
        tmp_path: Path, busy_port: int, demos: list[Demo]) -> None:
    demo = _start(tmp_path, "--tool-port", str(busy_port), "--platform-port", "0")
    demos.append(demo)
    demo.wait_ready()
    tool, platform = demo.url("Outil Pix LTI"), demo.url("Plateforme de démonstration")
    assert f"Le port {busy_port} est occupé" in demo.out[0]
    assert not tool.endswith(f":{busy_port}")
    assert httpx.get(tool + "/healthz", timeout=10).status_code == 200
    assert httpx.get(platform + "/", timeout=10).status_code == 200

    code = demo.stop(signal.SIGTERM)

    output = demo.output()
    assert code == 0, output
    assert "Démonstration arrêtée." in output and "Traceback" not in output, output
    assert _refused(tool + "/healthz") and _refused(platform + "/")
    # The in-process store is mentioned once, in French, with the rest of the banner.
    assert output.count("PIX_LTI_REDIS_URL") == 1 and "is not set" not in output
    assert f"{tool}/admin/" in output and "admin create" in output


def test_sigint_stops_the_demo_and_new_ports_reuse_the_demos_own_registration(
        tmp_path: Path, demos: list[Demo]) -> None:
    platforms = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        demo = _start(tmp_path, "--tool-port", "0", "--platform-port", "0")
        demos.append(demo)
        demo.wait_ready()
        platforms.append(demo.url("Plateforme de démonstration"))
        code = demo.stop(sig)
        output = demo.output()
        assert code == 0 and "Traceback" not in output, output
    assert platforms[0] != platforms[1]

    engine = create_engine(f"sqlite:///{tmp_path}/demo.sqlite3")
    with engine.connect() as connection:
        issuers = connection.execute(text("SELECT issuer FROM lti_registrations")).scalars().all()
    engine.dispose()
    assert issuers == [platforms[1]]
