"""deploy/nginx/pix-lti.conf under Debian's real nginx, with TLS (a self-signed certificate made here), in front
of two real `pix-lti serve` processes on PostgreSQL + Redis: HTTPS works and plain HTTP is redirected, the tool
sees https as the scheme, an X-Forwarded-For sent by a client is believed neither through nginx nor directly,
a too large body gets 413, and an LTI launch through the proxy sets the cookies an LMS iframe needs."""

from __future__ import annotations

import ssl
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.lti.conftest import _flush_redis, _reset_postgres, _service_url
from tests.production.harness import (
    CLI,
    ROOT,
    Nginx,
    Tool,
    free_ports,
    nginx_binary,
    render_site,
    running,
    self_signed,
    tool_env,
)
from tests.production.pupils import BenchPlatform  # the benchmarks' LTI platform: RS256 id_tokens, JWKS


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Nginx, list[Tool], BenchPlatform, Path]]:
    nginx_binary()
    database_url, redis_url = _service_url("PIX_LTI_TEST_DATABASE_URL"), _service_url("PIX_LTI_TEST_REDIS_URL")
    _reset_postgres(database_url)
    _flush_redis(redis_url)
    tool_a, tool_b, http_port, https_port, jwks_port = free_ports(5)
    cert, key = self_signed(tmp_path)
    nginx = Nginx(tmp_path, http_port, https_port)
    env = tool_env(database_url, redis_url, nginx.url, PIX_LTI_QUICK_TEST_STARTS_PER_HOUR="2")
    platform = BenchPlatform(jwks_port)
    jwks = platform.serve_jwks(jwks_port)
    subprocess.run(
        [
            *CLI,
            "registration",
            "add",
            "--issuer",
            platform.issuer,
            "--client-id",
            platform.client_id,
            "--auth-login-url",
            platform.issuer + "/auth",
            "--auth-token-url",
            platform.issuer + "/token",
            "--keyset-url",
            platform.issuer + "/jwks",
            "--deployment-id",
            platform.deployment_id,
        ],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tools = [Tool(tool_a, env), Tool(tool_b, env)]
    try:
        with running(tools, tmp_path):
            nginx.start(render_site([tool_a, tool_b], http_port, https_port, cert, key))
            yield nginx, tools, platform, cert
    finally:
        nginx.stop()
        jwks.shutdown()


def _client(cert: Path, source: str = "127.0.0.1", base_url: str = "") -> httpx.Client:
    return httpx.Client(
        transport=httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(cert)), local_address=source),
        base_url=base_url,
        timeout=10,
    )


def test_the_shipped_nginx_configuration_in_front_of_two_instances(
    stack: tuple[Nginx, list[Tool], BenchPlatform, Path],
) -> None:
    nginx, tools, platform, cert = stack

    # plain HTTP only redirects to HTTPS
    plain = httpx.get(f"http://127.0.0.1:{nginx.http_port}/essai?x=1", timeout=5)
    assert plain.status_code == 301
    assert plain.headers["location"] == f"https://127.0.0.1:{nginx.https_port}/essai?x=1"

    with _client(cert, base_url=nginx.url) as web:
        # TLS with the certificate nginx was given; HSTS; no X-Frame-Options (the tool's CSP says who frames it)
        page = web.get("/essai")
        assert page.status_code == 200
        assert page.extensions["http_version"] in (b"HTTP/1.1", b"HTTP/2")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert "x-frame-options" not in page.headers
        assert "frame-ancestors" in page.headers["content-security-policy"]
        # the scheme the tool sees is https: its own absolute redirects say so
        assert _seen_scheme(web) == "https"
        # the metrics are not published through the proxy
        assert web.get("/metrics").status_code == 404

        # the rate limit of "Essayez sans inscription" counts the address nginx saw (2 starts an hour here),
        # whatever X-Forwarded-For the client invents
        for n, expected in enumerate((303, 303, 429)):
            started = web.post("/essai", data={}, headers={"x-forwarded-for": f"203.0.113.{n}"})
            assert started.status_code == expected, (n, started.text[:300])

        # a body above nginx's cap: 413 from nginx, the tool never reads it
        big = web.post(
            "/essai", content=b"a" * (4 * 1024 * 1024), headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert big.status_code == 413
        assert "nginx" in big.text
        # below nginx's cap but above the tool's cap for a launch: the tool's own 413
        launch_too_big = web.post("/lti/launch", data={"id_token": "x" * (200 * 1024), "state": "s"})
        assert launch_too_big.status_code == 413
        assert "nginx" not in launch_too_big.text

    # another client address (127.0.0.2) is another client: nginx passes the address it saw, which the tool trusts
    with _client(cert, "127.0.0.2", nginx.url) as other:
        assert other.post("/essai", data={}).status_code == 303

    # straight to an instance, from an address that is not the proxy: forwarded headers are ignored
    with _client(cert, "127.0.0.2", f"http://127.0.0.1:{tools[0].port}") as direct:
        assert direct.post("/essai", data={}, headers={"x-forwarded-for": "198.51.100.7"}).status_code == 303
        assert direct.post("/essai", data={}, headers={"x-forwarded-for": "198.51.100.8"}).status_code == 429
        assert _seen_scheme(direct, {"x-forwarded-proto": "https"}) == "http"

    # an LTI launch through the proxy (login on one instance, launch on the other: round robin, state in Redis)
    with _client(cert, base_url=nginx.url) as browser:
        for _ in range(2):
            _launch(browser, platform, nginx.url)
    assert "[emerg]" not in nginx.error_log() and "[crit]" not in nginx.error_log()


def _seen_scheme(client: httpx.Client, headers: dict[str, str] | None = None) -> str:
    """The scheme in the absolute URL of the router's trailing-slash redirect (/essai/ -> /essai), built from
    what the tool believes the request's URL is."""
    response = client.get("/essai/", headers=headers or {})
    assert response.status_code == 307, response.status_code
    return urlparse(response.headers["location"]).scheme


def _iframe_cookie(response: httpx.Response) -> str:
    cookies = response.headers.get_list("set-cookie")
    assert cookies, response.headers
    for cookie in cookies:
        attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
        assert {"secure", "samesite=none", "partitioned", "httponly"} <= attributes, cookie
    return cookies[0]


def _launch(browser: httpx.Client, platform: BenchPlatform, tool: str) -> None:
    sub = uuid.uuid4().hex
    browser.cookies.clear()
    login = browser.post(
        "/lti/login",
        data={
            "iss": platform.issuer,
            "login_hint": sub,
            "target_link_uri": tool + "/lti/launch",
            "client_id": platform.client_id,
            "lti_deployment_id": platform.deployment_id,
        },
    )
    assert login.status_code == 302, login.text[:300]
    _iframe_cookie(login)
    query = {k: v[0] for k, v in parse_qs(urlparse(login.headers["location"]).query).items()}
    token = platform.id_token(query["nonce"], sub, tool + "/lti/launch")
    launch = browser.post("/lti/launch", data={"id_token": token, "state": query["state"]})
    assert launch.status_code == 303, launch.text[:300]
    _iframe_cookie(launch)
    assert "x-frame-options" not in launch.headers
    page = browser.get(launch.headers["location"], follow_redirects=True)
    assert page.status_code == 200
    assert platform.issuer.split("//")[1] in page.headers["content-security-policy"]
