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
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import jwt
import psycopg
import redis
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from raw_http import RawConnection  # bench/raw_http.py (the script directory is on sys.path)

# the secrets stored encrypted (core.secrets) need a key on PostgreSQL: a fixed key for bench databases only
os.environ.setdefault("PIX_LTI_SECRET_KEYS", "YmVuY2gtb25seS1rZXktZm9yLXBpeC1sdGktYmVuY2g=")

ROOT = Path(__file__).resolve().parent.parent
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


class BenchPlatform:
    def __init__(self, port: int) -> None:
        self.issuer = f"http://127.0.0.1:{port}"
        self.client_id, self.deployment_id, self.kid = "bench-client", "bench-dep", "bench-key"
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public = self.private.public_key()
        self.jwks = {"keys": [{**RSAAlgorithm.to_jwk(self.public, as_dict=True), "kid": self.kid, "alg": "RS256",
                               "use": "sig"}]}

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


def tree_cpu_seconds(root_pid: int) -> float:
    """user + system CPU seconds of a process and its live children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [root_pid]
    for task in Path(f"/proc/{root_pid}/task").glob("*/children"):
        pids += [int(p) for p in task.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def services_cpu_seconds() -> float:
    """CPU seconds used so far by every PostgreSQL and Redis server process on the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text.split("(", 1)[1].rsplit(")", 1)[0]
        if name.startswith(("postgres", "redis-server")):
            fields = text.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def ensure_database(url: str) -> None:
    name = urlparse(url.replace("+psycopg", "")).path.lstrip("/")
    admin = url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


async def one_launch(conn: RawConnection, platform: BenchPlatform, tool: str) -> float:
    """One browser's login + launch (its own cookies), timed from the login request to the launch's 303."""
    start = time.perf_counter()
    sub = uuid.uuid4().hex
    conn.cookies = {}
    login = await conn.request("POST", "/lti/login", form={
        "iss": platform.issuer, "login_hint": sub, "target_link_uri": tool + "/lti/launch",
        "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id,
    })
    if login.status != 302:
        raise RuntimeError(f"login {login.status}: {login.body[:200]!r}")
    conn.cookies = login.cookies()
    query = {k: v[0] for k, v in parse_qs(urlparse(login.header("location") or "").query).items()}
    token = platform.id_token(query["nonce"], sub, tool + "/lti/launch")
    launch = await conn.request("POST", "/lti/launch", form={"id_token": token, "state": query["state"]})
    if launch.status != 303:
        raise RuntimeError(f"launch {launch.status}: {launch.body[:300]!r}")
    return time.perf_counter() - start


async def run_load(platform: BenchPlatform, tool: str, launches: int, concurrency: int,
                   server_pid: int) -> tuple[float, list[float], float, float, float]:
    """(elapsed s, latencies, tool CPU s, load-generator CPU s, PostgreSQL + Redis CPU s) while measuring."""
    connections = [RawConnection.to(tool) for _ in range(concurrency)]
    for i in range(20):  # warm-up: JWKS cache, connection pools
        await one_launch(connections[i % concurrency], platform, tool)
    latencies: list[float] = []
    remaining = iter(range(launches))

    async def worker(conn: RawConnection) -> None:
        for _ in remaining:
            latencies.append(await one_launch(conn, platform, tool))

    server_cpu, client_cpu, services_cpu = tree_cpu_seconds(server_pid), sum(os.times()[:2]), services_cpu_seconds()
    start = time.perf_counter()
    await asyncio.gather(*(worker(conn) for conn in connections))
    elapsed = time.perf_counter() - start
    result = (elapsed, latencies, tree_cpu_seconds(server_pid) - server_cpu,
              sum(os.times()[:2]) - client_cpu, services_cpu_seconds() - services_cpu)
    for conn in connections:
        await conn.close()
    return result


def floor(platform: BenchPlatform, redis_url: str, n: int = 1000) -> tuple[float, float, float]:
    """Mean ms of one RS256 verification, of one Redis SET NX round trip, and of both."""
    token = platform.id_token("n", "s", "t")
    start = time.perf_counter()
    for _ in range(n):
        jwt.decode(token, platform.public, algorithms=["RS256"], audience=platform.client_id,
                   options={"verify_exp": False})
    verify = (time.perf_counter() - start) / n * 1000
    client = redis.Redis.from_url(redis_url)
    start = time.perf_counter()
    for i in range(n):
        client.set(f"bench-floor:{i}", "1", ex=10, nx=True)
    rtt = (time.perf_counter() - start) / n * 1000
    client.close()
    return verify, rtt, verify + rtt


def machine_reference_ms() -> float:
    """A fixed pure-Python workload (sum(range(10**6)), best of 5), to compare figures across machines: the
    same code measured here was 2 to 3 times slower on some days' machines than on others'."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@contextmanager
def running_tool(database_url: str, redis_url: str, port: int, jwks_port: int,
                 workers: int) -> Iterator[tuple[BenchPlatform, str, subprocess.Popen[bytes]]]:
    """A fresh Redis db, the bench platform (its JWKS served) registered, and `pix-lti serve` answering
    /healthz; yields (platform, tool URL, server process) and stops both afterwards."""
    ensure_database(database_url)
    redis.Redis.from_url(redis_url).flushdb()
    platform = BenchPlatform(jwks_port)
    jwks_server = platform.serve_jwks(jwks_port)
    tool = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PIX_LTI_DATABASE_URL": database_url, "PIX_LTI_REDIS_URL": redis_url,
           "PIX_LTI_BASE_URL": tool}
    cli = [sys.executable, "-m", "pix_lti.cli"]
    subprocess.run([*cli, "registration", "add", "--issuer", platform.issuer, "--client-id", platform.client_id,
                    "--auth-login-url", platform.issuer + "/auth", "--auth-token-url", platform.issuer + "/token",
                    "--keyset-url", platform.issuer + "/jwks", "--deployment-id", platform.deployment_id],
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([*cli, "serve", "--workers", str(workers), "--port", str(port)], env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 180  # a loaded shared machine starts two workers slowly
        while True:
            try:
                if httpx.get(tool + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pix-lti serve did not answer on {tool} (exit code {server.poll()})")
            time.sleep(0.2)
        yield platform, tool, server
    finally:
        server.terminate()
        server.wait(timeout=20)
        jwks_server.shutdown()


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

    with running_tool(args.database_url, args.redis_url, args.port, args.jwks_port, args.workers) as (
            platform, tool, server):
        elapsed, latencies, server_cpu, client_cpu, services_cpu = asyncio.run(
            run_load(platform, tool, args.launches, args.concurrency, server.pid))
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
    n = len(latencies)
    services = f"{services_cpu / n * 1000:.2f} ms" if services_cpu > 0 else "n/a (server processes came and went)"
    print(f"CPU per launch: tool workers {server_cpu / n * 1000:.2f} ms, PostgreSQL + Redis {services}, "
          f"load generator {client_cpu / n * 1000:.2f} ms")
    print(f"  => on 2 cores, tool + services alone could serve ≈ {2 * n / (server_cpu + max(services_cpu, 0)):.0f} "
          "launches/s")
    print(f"machine load average during the run: {os.getloadavg()[0]:.2f} (other processes share the 2 cores); "
          f"reference loop {machine_reference_ms():.1f} ms")


if __name__ == "__main__":
    main()
