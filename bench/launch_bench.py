"""LTI launch benchmark: full login + launch round trips per second for distinct users, against
`pix-lti serve --workers 2` on PostgreSQL + Redis, with p50/p99, and the floor (one RS256 verification
plus one Redis round trip) measured in the same run.

    python3 bench/launch_bench.py [--launches 2000] [--concurrency 32]

Needs PostgreSQL and Redis on loopback (defaults below). The platform side (login parsing, RS256
signing of each id_token) runs in this process on the same machine and is counted in the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import psycopg
import redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt

ROOT = Path(__file__).resolve().parent.parent
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


class BenchPlatform:
    def __init__(self, port: int) -> None:
        self.issuer = f"http://127.0.0.1:{port}"
        self.client_id, self.deployment_id, self.kid = "bench-client", "bench-dep", "bench-key"
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode()
        public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        self.public = jwk.construct(public_pem, "RS256")
        self.private = jwk.construct(self.pem, "RS256")  # parsed once: loading a PEM costs ~50 ms
        self.jwks = {"keys": [{**self.public.to_dict(), "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def serve_jwks(self, port: int) -> ThreadingHTTPServer:
        body = json.dumps(self.jwks).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def id_token(self, nonce: str, sub: str, target: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "nonce": nonce, "iat": now, "exp": now + 300,
            LTI + "version": "1.3.0", LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "deployment_id": self.deployment_id,
            LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            LTI + "target_link_uri": target, LTI + "resource_link": {"id": "bench-rl", "title": "Bench"},
            LTI + "context": {"id": "bench-course", "title": "Bench"}, LTI + "custom": {"competence": "1.1"},
        }
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid})


def ensure_database(url: str) -> None:
    name = urlparse(url.replace("+psycopg", "")).path.lstrip("/")
    admin = url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


async def one_launch(client: httpx.AsyncClient, platform: BenchPlatform, tool: str) -> float:
    start = time.perf_counter()
    sub = uuid.uuid4().hex
    login = await client.post(tool + "/lti/login", data={
        "iss": platform.issuer, "login_hint": sub, "target_link_uri": tool + "/lti/launch",
        "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id,
    })
    if login.status_code != 302:
        raise RuntimeError(f"login {login.status_code}: {login.text[:200]}")
    query = {k: v[0] for k, v in parse_qs(urlparse(login.headers["location"]).query).items()}
    token = platform.id_token(query["nonce"], sub, tool + "/lti/launch")
    launch = await client.post(tool + "/lti/launch", data={"id_token": token, "state": query["state"]},
                               cookies=login.cookies)
    if launch.status_code != 303:
        raise RuntimeError(f"launch {launch.status_code}: {launch.text[:300]}")
    return time.perf_counter() - start


async def run_load(platform: BenchPlatform, tool: str, launches: int, concurrency: int) -> tuple[float, list[float]]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        for _ in range(20):  # warm-up: JWKS cache, connection pools
            await one_launch(client, platform, tool)
        latencies: list[float] = []
        remaining = iter(range(launches))

        async def worker() -> None:
            for _ in remaining:
                latencies.append(await one_launch(client, platform, tool))

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, latencies


def floor(platform: BenchPlatform, redis_url: str, n: int = 1000) -> tuple[float, float, float]:
    """Mean ms of one RS256 verification, of one Redis SET NX round trip, and of both."""
    token = platform.id_token("n", "s", "t")
    start = time.perf_counter()
    for _ in range(n):
        jwt.decode(token, platform.public, algorithms=["RS256"], audience=platform.client_id)
    verify = (time.perf_counter() - start) / n * 1000
    client = redis.Redis.from_url(redis_url)
    start = time.perf_counter()
    for i in range(n):
        client.set(f"bench-floor:{i}", "1", ex=10, nx=True)
    rtt = (time.perf_counter() - start) / n * 1000
    client.close()
    return verify, rtt, verify + rtt


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/pixlti_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--jwks-port", type=int, default=8011)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--launches", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    ensure_database(args.database_url)
    redis.Redis.from_url(args.redis_url).flushdb()
    platform = BenchPlatform(args.jwks_port)
    jwks_server = platform.serve_jwks(args.jwks_port)
    tool = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "PIX_LTI_DATABASE_URL": args.database_url, "PIX_LTI_REDIS_URL": args.redis_url,
           "PIX_LTI_BASE_URL": tool}
    cli = [sys.executable, "-m", "pix_lti.cli"]
    subprocess.run([*cli, "registration", "add", "--issuer", platform.issuer, "--client-id", platform.client_id,
                    "--auth-login-url", platform.issuer + "/auth", "--auth-token-url", platform.issuer + "/token",
                    "--keyset-url", platform.issuer + "/jwks", "--deployment-id", platform.deployment_id],
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([*cli, "serve", "--workers", str(args.workers), "--port", str(args.port)],
                              env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                if httpx.get(tool + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        elapsed, latencies = asyncio.run(run_load(platform, tool, args.launches, args.concurrency))
    finally:
        server.terminate()
        server.wait(timeout=20)
        jwks_server.shutdown()
    verify, rtt, total = floor(platform, args.redis_url)
    rate = len(latencies) / elapsed
    print(f"launches: {len(latencies)} distinct users, concurrency {args.concurrency}, "
          f"{args.workers} workers, PostgreSQL + Redis")
    print(f"throughput: {rate:.0f} login+launch round trips/s")
    print(f"latency: p50 {pct(latencies, 0.50):.1f} ms, p99 {pct(latencies, 0.99):.1f} ms, "
          f"mean {statistics.mean(latencies) * 1000:.1f} ms")
    print(f"floor: RS256 verify {verify:.3f} ms + Redis round trip {rtt:.3f} ms = {total:.3f} ms "
          f"(≈ {1000 / total:.0f}/s per core)")
    print(f"ratio p50 / floor: {pct(latencies, 0.50) / total:.1f}x")


if __name__ == "__main__":
    main()
