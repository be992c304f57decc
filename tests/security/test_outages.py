"""Issue 13, outages. In process: Redis unreachable gives the 503 page with Retry-After on the login and launch,
and /healthz names it. Fault test: a real `pix-lti serve` on its OWN PostgreSQL and Redis (temporary directories,
free ports); Redis, then PostgreSQL, are stopped while a student takes a test; every page answers 503 with
Retry-After (never a 500), /healthz says which dependency is down, the tool recovers by itself once they are
back, and no acknowledged answer is lost."""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import jwt
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from core.settings import Settings
from tests.lti.conftest import _tool, sqlite_settings
from tests.lti.platform import Platform
from tests.security.services import LocalPostgres, LocalRedis, free_port, postgres_bin

ROOT = Path(__file__).resolve().parents[2]
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
REQUIRED = os.environ.get("CI") or os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_CHALLENGE = re.compile(r'name="challenge_id" value="([^"]+)"')
_FORM = re.compile(r'<form method="post" action="([^"]+/reponses[^"]*)"')


def _unavailable(response: httpx.Response, french_dependency: str) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert int(response.headers["retry-after"]) > 0
    assert "Service momentanément indisponible" in response.text and french_dependency in response.text
    assert "Traceback" not in response.text


# --- in process: the store is unreachable ------------------------------------------------------------------------

@pytest.fixture
def tool_without_redis(tmp_path):  # type: ignore[no-untyped-def]
    settings = sqlite_settings(tmp_path)
    dead = Settings(**{**settings.model_dump(), "redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    yield from _tool(dead, Platform())


def test_with_redis_down_login_and_launch_get_the_503_page_and_healthz_says_so(tool_without_redis) -> None:  # type: ignore[no-untyped-def]
    tool = tool_without_redis
    login = tool.client.post("/lti/login", data={
        "iss": tool.platform.issuer, "login_hint": "u", "target_link_uri": "http://localhost/lti/launch",
        "client_id": tool.platform.client_id})
    _unavailable(login, "stockage des sessions")
    assert "script-src 'self'" in login.headers["content-security-policy"]
    _unavailable(tool.client.post("/lti/launch", data={"state": "state-x", "id_token": "a.b.c"}),
                 "stockage des sessions")
    english = tool.client.post("/lti/launch", data={"state": "state-x", "id_token": "a.b.c"},
                               headers={"accept-language": "en"})
    assert english.status_code == 503 and "Service temporarily unavailable" in english.text
    health = tool.client.get("/healthz")
    assert health.status_code == 503 and health.json()["down"] == ["redis"] and health.json()["database"] is True
    assert "retry-after" in health.headers
    ready = tool.client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["reasons"] == ["redis_unreachable"]
    assert tool.client.get("/livez").status_code == 200


# --- the fault test: real processes, real services ---------------------------------------------------------------

class JwksPlatform:
    """The platform side of a launch: an RS256 key, its JWKS served over HTTP, id_tokens signed on demand."""

    def __init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.client_id, self.deployment_id, self.kid = "fault-client", "fault-dep", "fault-key"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwks = {"keys": [{**RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True), "kid": self.kid,
                          "alg": "RS256", "use": "sig"}]}
        body = json.dumps(jwks).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def id_token(self, nonce: str, sub: str, target: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "nonce": nonce, "iat": now, "exp": now + 300,
            LTI + "version": "1.3.0", LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "deployment_id": self.deployment_id,
            LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            LTI + "target_link_uri": target, LTI + "resource_link": {"id": "fault-rl", "title": "Fault"},
            LTI + "context": {"id": "fault-course", "title": "Fault"}, LTI + "custom": {"competence": "1.1"},
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


class Student:
    def __init__(self, tool: str, platform: JwksPlatform) -> None:
        self.tool, self.platform = tool, platform
        self.http = httpx.Client(base_url=tool, follow_redirects=False, timeout=30)
        self.csrf = ""
        self.page = ""

    def login(self) -> httpx.Response:
        return self.http.post("/lti/login", data={
            "iss": self.platform.issuer, "login_hint": "eleve", "target_link_uri": self.tool + "/lti/launch",
            "client_id": self.platform.client_id, "lti_deployment_id": self.platform.deployment_id})

    def launch(self) -> None:
        login = self.login()
        assert login.status_code == 302, login.text[:300]
        query = {k: v[0] for k, v in parse_qs(urlparse(login.headers["location"]).query).items()}
        token = self.platform.id_token(query["nonce"], "eleve-" + uuid.uuid4().hex[:6], self.tool + "/lti/launch")
        launch = self.http.post("/lti/launch", data={"id_token": token, "state": query["state"]})
        assert launch.status_code == 303, launch.text[:300]
        landing = self.http.get(launch.headers["location"], follow_redirects=True)  # ?lt= is dropped by a 303
        self.csrf = _CSRF.search(landing.text).group(1)  # type: ignore[union-attr]
        started = self.http.post("/competences/1.1/commencer", data={"csrf": self.csrf})
        assert started.status_code == 303, started.text[:300]
        self.page_url = started.headers["location"]
        self.page = self.http.get(self.page_url, follow_redirects=True).text

    def answer(self) -> tuple[httpx.Response, str]:
        """Skip the current challenge ("Je passe"): (the POST's response, the challenge's id)."""
        challenge = html.unescape(_CHALLENGE.search(self.page).group(1))  # type: ignore[union-attr]
        action = html.unescape(_FORM.search(self.page).group(1))  # type: ignore[union-attr]
        response = self.http.post(action, data={"csrf": self.csrf, "challenge_id": challenge, "action": "skip"})
        if response.status_code == 303:
            self.page_url = response.headers["location"]
            self.page = self.http.get(self.page_url, follow_redirects=True).text
        return response, challenge


def _wait_healthy(tool: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(tool + "/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError("the tool did not become healthy")


def _until(check, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    """Call until it returns a true value (the first request after a restart may meet a stale connection)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


@pytest.fixture
def services() -> Iterator[tuple[LocalPostgres, LocalRedis]]:
    bin_dir = postgres_bin()
    if bin_dir is None or shutil.which("redis-server") is None:
        if REQUIRED:
            pytest.fail("PostgreSQL (initdb, pg_ctl) and redis-server are needed for the fault test")
        pytest.skip("PostgreSQL server binaries or redis-server not installed")
    directory = Path(tempfile.mkdtemp(prefix="pix-lti-fault-"))  # under /tmp: reachable by the postgres user
    directory.chmod(0o755)
    postgres, redis = LocalPostgres(directory / "pg", bin_dir), LocalRedis(directory)
    postgres.start()
    redis.start()
    try:
        yield postgres, redis
    finally:
        redis.stop()
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped by the test
            postgres.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_redis_then_postgres_stopped_during_a_test_503_pages_recovery_and_no_answer_lost(services) -> None:  # type: ignore[no-untyped-def]
    postgres, redis = services
    platform = JwksPlatform()
    port = free_port()
    tool = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_")}
    env |= {"PIX_LTI_DATABASE_URL": postgres.url, "PIX_LTI_REDIS_URL": redis.url, "PIX_LTI_BASE_URL": tool,
            "PIX_LTI_REGISTRATION_CACHE_SECONDS": "0", "PIX_LTI_SECRET_KEYS": os.environ["PIX_LTI_SECRET_KEYS"]}
    cli = [sys.executable, "-m", "pix_lti.cli"]
    subprocess.run([*cli, "registration", "add", "--issuer", platform.issuer, "--client-id", platform.client_id,
                    "--auth-login-url", platform.issuer + "/auth", "--auth-token-url", platform.issuer + "/token",
                    "--keyset-url", platform.issuer + "/jwks", "--deployment-id", platform.deployment_id],
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    log_path = redis.directory / "tool.log"
    log_file = log_path.open("wb")
    server = subprocess.Popen([*cli, "serve", "--workers", "1", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=log_file, stderr=subprocess.STDOUT)
    acknowledged: list[str] = []
    try:
        _wait_healthy(tool)
        student = Student(tool, platform)
        student.launch()
        for _ in range(2):
            response, challenge = student.answer()
            assert response.status_code == 303
            acknowledged.append(challenge)

        # --- Redis down ---
        redis.stop()
        _unavailable(Student(tool, platform).login(), "stockage des sessions")
        _unavailable(httpx.post(tool + "/lti/launch", data={"state": "state-x", "id_token": "a.b.c"}),
                     "stockage des sessions")
        health = httpx.get(tool + "/healthz")
        assert health.status_code == 503 and health.json()["down"] == ["redis"] and "retry-after" in health.headers
        ready = httpx.get(tool + "/readyz")  # issue 23: readiness says why, liveness does no I/O
        assert ready.status_code == 503 and ready.json()["reasons"] == ["redis_unreachable"], ready.text
        assert httpx.get(tool + "/livez").status_code == 200
        response, challenge = student.answer()  # the student's own pages need no Redis: served or 503, never 500
        assert response.status_code in (303, 503), response.text[:300]
        if response.status_code == 303:
            acknowledged.append(challenge)

        redis.start()
        _wait_healthy(tool)
        assert _until(lambda: Student(tool, platform).login().status_code == 302)

        # --- PostgreSQL down ---
        postgres.stop()
        page = student.http.get(student.page_url)
        _unavailable(page, "base de données")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        english = student.http.get(student.page_url, headers={"accept-language": "en-US,en;q=0.8"})
        assert english.status_code == 503 and "Service temporarily unavailable" in english.text
        response, _ = student.answer()
        _unavailable(response, "base de données")  # not acknowledged: the student sends it again later
        health = httpx.get(tool + "/healthz", timeout=15)
        assert health.status_code == 503 and health.json()["down"] == ["database"]
        ready = httpx.get(tool + "/readyz", timeout=15)
        assert ready.status_code == 503 and ready.json()["reasons"] == ["database_unreachable"], ready.text
        assert httpx.get(tool + "/livez").status_code == 200

        postgres.start()
        _wait_healthy(tool)
        assert _until(lambda: student.http.get(student.page_url).status_code == 200)
        student.page = student.http.get(student.page_url).text
        assert httpx.get(tool + "/readyz").json()["status"] == "ready"
        exposed = httpx.get(tool + "/metrics").text  # loopback: allowed by default; the outages were counted
        assert re.search(r'^pix_lti_redis_errors_total\{kind="[^"]+"\} [1-9]', exposed, re.M), exposed[-2000:]
        assert re.search(r'^pix_lti_database_errors_total\{kind="[^"]+"\} [1-9]', exposed, re.M)
        response, challenge = student.answer()
        assert response.status_code == 303, response.text[:300]
        acknowledged.append(challenge)
    finally:
        server.terminate()
        server.wait(timeout=20)
        platform.server.shutdown()
        log_file.close()
    errors = log_path.read_text(errors="replace")

    with psycopg.connect(postgres.url.replace("+psycopg", "")) as conn:
        stored = [row[0] for row in conn.execute("SELECT challenge_id FROM assessment_answers ORDER BY id")]
    assert stored == acknowledged  # every acknowledged answer, once, in order; nothing half-written
    assert "Traceback" not in errors, errors[-2000:]


def test_an_unexpected_error_gets_a_readable_500_page_with_the_strict_policy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from pix_lti.app import create_app

    app = create_app(sqlite_settings(tmp_path))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500 and "Erreur du service" in response.text and "RuntimeError" not in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
