"""`curl /metrics` on real processes (issue 23): `pix-lti serve --workers 2` on PostgreSQL + Redis adds up its two
uvicorn workers' counters (prometheus-client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR prepared by `serve`),
whichever worker answers the scrape; JSON logs carry the request id echoed to the client; and
`pix-lti worker --metrics-port` serves the worker's metrics. Ports 8200-8249 (this helper's range) unless
PIX_LTI_TEST_PORT_BASE says otherwise."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.lti.conftest import _flush_redis, _reset_postgres

ROOT = Path(__file__).resolve().parents[2]
PORT_BASE = int(os.environ.get("PIX_LTI_TEST_PORT_BASE", "8200"))


def _services() -> tuple[str, str]:
    db_url, redis_url = os.environ.get("PIX_LTI_TEST_DATABASE_URL"), os.environ.get("PIX_LTI_TEST_REDIS_URL")
    if not db_url or not redis_url:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail("PIX_LTI_TEST_DATABASE_URL and PIX_LTI_TEST_REDIS_URL are required")
        pytest.skip("PostgreSQL and Redis not configured")
    _reset_postgres(db_url)
    _flush_redis(redis_url)
    return db_url, redis_url


def _wait(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


def _count(text: str, route: str) -> float:
    found = re.search(r'^pix_lti_http_requests_total\{method="GET",route="' + re.escape(route)
                      + r'",status="200"\} ([0-9.e+]+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def test_serve_with_two_workers_adds_up_their_metrics_and_logs_json(tmp_path: Path) -> None:
    db_url, redis_url = _services()
    port = PORT_BASE + 13
    tool = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIX_LTI_", "PROMETHEUS_"))}
    env |= {"PIX_LTI_DATABASE_URL": db_url, "PIX_LTI_REDIS_URL": redis_url, "PIX_LTI_BASE_URL": tool,
            "PIX_LTI_SECRET_KEYS": os.environ["PIX_LTI_SECRET_KEYS"], "PIX_LTI_LOG_FORMAT": "json",
            "PIX_LTI_INSTANCE_NAME": "outil-test-1", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "pix_lti.cli", "serve", "--workers", "2", "--port", str(port)],
                                  env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(tool + "/readyz", 180)
        ids: list[str] = []
        for _ in range(40):  # new connections: the kernel spreads them over the two workers
            response = httpx.get(tool + "/livez", timeout=5)
            assert response.status_code == 200
            ids.append(response.headers["x-request-id"])
        for _ in range(6):
            text = httpx.get(tool + "/metrics", timeout=5).text  # loopback: allowed by default
            assert _count(text, "/livez") >= 40  # every scrape, whichever worker answers, sees both workers' counts
            assert 'pix_lti_instance_info{instance="outil-test-1",version="0.1.0"} 1.0' in text
            assert "pix_lti_grade_outbox_pending 0.0" in text
        assert len(list((tmp_path / "metrics").glob("counter_*.db"))) == 2  # one file per worker process
        assert httpx.get(tool + "/metrics", headers={"x-forwarded-for": "203.0.113.7"}).status_code == 404
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    access = [r for r in lines if r.get("logger") == "pix_lti.access" and r.get("route") == "/livez"]
    assert {r["request_id"] for r in access} >= set(ids)
    assert all(r["instance"] == "outil-test-1" and r["status"] == 200 for r in access)


def test_the_worker_process_serves_its_metrics_port(tmp_path: Path) -> None:
    db_url, redis_url = _services()
    port = PORT_BASE + 14
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIX_LTI_", "PROMETHEUS_"))}
    env |= {"PIX_LTI_DATABASE_URL": db_url, "PIX_LTI_REDIS_URL": redis_url,
            "PIX_LTI_SECRET_KEYS": os.environ["PIX_LTI_SECRET_KEYS"], "PIX_LTI_INSTANCE_NAME": "worker-test"}
    worker = subprocess.Popen([sys.executable, "-m", "pix_lti.cli", "worker", "--metrics-port", str(port)],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/metrics")
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert "pix_lti_grade_outbox_pending 0.0" in text and "pix_lti_grade_dead_letters 0.0" in text
        assert "# TYPE pix_lti_grades_sent_total counter" in text
        assert 'pix_lti_instance_info{instance="worker-test",version="0.1.0"} 1.0' in text
    finally:
        worker.terminate()
        worker.wait(timeout=30)
