"""What the browser tests share: Debian's chromium driven by Playwright (a failure in CI when missing, a skip
elsewhere), free ports, a server started in a subprocess and waited for, the browser fixture, and filling a
challenge's inputs as a pupil would."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.referential import ChallengeType
from tests.learning_use_cases.answers import right_answer

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
REQUIRED = bool(os.environ.get("CI") or os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1")

if not Path(CHROMIUM).exists() and not REQUIRED:
    pytest.skip("chromium is not installed (bash scripts/system-deps.sh installs it)", allow_module_level=True)

if REQUIRED:  # in CI a missing browser or driver is a failure, never a skip
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api")


_GIVEN: set[int] = set()


def free_port() -> int:
    """A free port: any, or one of PIX_LTI_TEST_PORTS ("8400-8449") when a shared machine gives a range."""
    low, _, high = os.environ.get("PIX_LTI_TEST_PORTS", "").partition("-")
    candidates = [p for p in range(int(low), int(high or low) + 1) if p not in _GIVEN] if low.isdigit() else [0]
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = s.getsockname()[1]
            _GIVEN.add(port)  # never twice in this run (a server may not have bound the last one yet)
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


def clean_env() -> dict[str, str]:
    """This process's environment without any PIX_LTI_ setting (the test sets the ones its server needs)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_")}


@contextlib.contextmanager
def running(command: Sequence[str], env: dict[str, str], health_urls: Sequence[str]) -> Iterator[None]:
    """`command` started from the project's root with `env`, once every one of `health_urls` answers 200;
    stopped at the end. A server that exits or does not answer within 60 s fails with its error output."""
    process = subprocess.Popen(list(command), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if all(httpx.get(url).status_code == 200 for url in health_urls):
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start: " + (process.stderr.read().decode() if process.stderr
                                                                else ""))
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium for the time of a module (the `browser` fixtures)."""
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield instance
        instance.close()


def answer(frame: Any, challenge: Any) -> None:
    """Fill the challenge's inputs as a student would (clicks on labels, typing)."""
    value = right_answer(challenge)
    if challenge.type is ChallengeType.QCU:
        frame.locator(f'label[for="p{value}"]').click()
    elif challenge.type is ChallengeType.QCM:
        for index in value:
            frame.locator(f'label[for="p{index}"]').click()
    elif isinstance(value, dict):
        for name, text in value.items():
            frame.locator(f"#r_{name}").fill(text)
    else:
        frame.locator(f"#r_{challenge.inputs[0].name}").fill(str(value))
