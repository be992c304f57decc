"""Grades delivery benchmark: scores delivered per second by the outbox worker to a real local AGS
endpoint (bench/ags_endpoint.py under uvicorn, in a subprocess), and token requests per 1000 scores.

    python3 bench/grades_bench.py [--scores 5000] [--database-url URL] [--redis-url URL]
                                  [--concurrency 32] [--batch 200]

Seeding (not timed) goes through the real launch provisioning (AGS claim recorded) and the
`results_changed` hook (outbox rows), one student and one finished competence test per score. The timed
part is the worker draining the outbox: claim under lease, token, POST score, record outcomes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db import make_engine, make_session_factory, run_migrations  # noqa: E402
from core.store import make_store  # noqa: E402
from engine.scoring import Scorecard, ScorecardStatus  # noqa: E402
from lti_tool import keys  # noqa: E402
from lti_tool.grades.hooks import results_changed  # noqa: E402
from lti_tool.grades.settings import GradesSettings  # noqa: E402
from lti_tool.grades.worker import Worker, make_http_client  # noqa: E402
from lti_tool.launch.message import LaunchMessage  # noqa: E402
from lti_tool.launch.provisioning import provision  # noqa: E402
from lti_tool.registrations import add_registration  # noqa: E402

# the secrets stored encrypted (core.secrets) need a key on PostgreSQL: a fixed key for bench databases only
os.environ.setdefault("PIX_LTI_SECRET_KEYS", "YmVuY2gtb25seS1rZXktZm9yLXBpeC1sdGktYmVuY2g=")

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
CODES = [f"{d}.{c}" for d, n in ((1, 3), (2, 4), (3, 4), (4, 3), (5, 2)) for c in range(1, n + 1)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cards(code: str, pix: int) -> list[Scorecard]:
    return [Scorecard(c, c, c[0], pix if c == code else 0, float(pix if c == code else 0),
                      min((pix if c == code else 0) // 8, 6), 0,
                      ScorecardStatus.COMPLETED if c == code else ScorecardStatus.NOT_STARTED, 0, 0, 6)
            for c in CODES]


def seed(sessions, registration_id: int, issuer: str, n: int, activities: int = 50) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(1)
    for i in range(n):
        a = i % activities
        claims = {AGS: {"scope": [SCORE], "lineitem": f"{issuer}/ags/lineitems/{a + 1}/lineitem"}}
        msg = LaunchMessage(
            launch_id=f"l{i}", registration_id=registration_id, issuer=issuer, client_id="bench-client",
            deployment_id="bench-dep", message_type="LtiResourceLinkRequest", sub=f"student-{i}", role="student",
            name=None, given_name=None, family_name=None, context_id="course-1", context_label=None,
            context_title=None, resource_link_id=f"rl-{a}", resource_link_title=f"Compétence {CODES[a % 16]}",
            resource_link_description=None, custom={"competence": CODES[a % 16]}, claims=claims)
        done = provision(sessions, msg)
        with sessions() as session, session.begin():
            results_changed(session, account_id=done.account_id, scorecards=cards(CODES[a % 16], rng.randint(8, 48)),
                            at=__import__("datetime").datetime.now(__import__("datetime").UTC))


def fresh_database(url: str | None, tmp: str) -> str:
    if url is None:
        return f"sqlite:///{tmp}/grades-bench.sqlite3"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scores", type=int, default=5000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--redis-url", default=None, help="default: in-process store (this Redis db is FLUSHED)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(args.database_url, tmp)
        engine = make_engine(url)
        run_migrations(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            keys.ensure_key(session)
            jwks = keys.published_jwks(session, 3600)
        jwks_file = Path(tmp) / "jwks.json"
        jwks_file.write_text(json.dumps(jwks))
        port = free_port()
        issuer = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "ags_endpoint.py"), "--port", str(port),
                                   "--jwks", str(jwks_file)], cwd=ROOT)
        try:
            for _ in range(100):
                try:
                    httpx.get(issuer + "/_stats", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            with sessions() as session:
                reg = add_registration(session, issuer=issuer, client_id="bench-client",
                                       auth_login_url=issuer + "/auth", auth_token_url=issuer + "/token",
                                       keyset_url=issuer + "/jwks", deployment_ids=["bench-dep"])
            started = time.perf_counter()
            seed(sessions, reg.id, issuer, args.scores)
            seeding = time.perf_counter() - started
            if args.redis_url:  # a previous run's token (same registration id) would meet a new endpoint
                import redis

                redis.Redis.from_url(args.redis_url).flushdb()
            grades = GradesSettings(concurrency=args.concurrency, batch_size=args.batch)

            async def deliver() -> tuple[float, int]:
                store = make_store(args.redis_url)
                http = make_http_client(grades)
                worker = Worker(sessions, store, http, grades)
                begin = time.perf_counter()
                await worker.drain()
                elapsed = time.perf_counter() - begin
                await http.aclose()
                await store.close()
                return elapsed, worker.delivered

            elapsed, delivered = asyncio.run(deliver())
            stats = httpx.get(issuer + "/_stats", timeout=5).json()
        finally:
            server.terminate()
            server.wait(10)
            engine.dispose()

    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    store = "Redis" if args.redis_url else "in-process store"
    print(f"database: {backend}; token cache: {store}; worker: 1 process, concurrency {args.concurrency}, "
          f"batch {args.batch}; cpus: {os.cpu_count()}")
    print(f"seeded {args.scores} scores through provisioning + results_changed in {seeding:.1f} s")
    print(f"delivered: {delivered} (endpoint accepted {stats['accepted']}, gradebook {stats['grades']}, "
          f"conflicts {stats['conflicts']}, refused {stats['refused']})")
    print(f"throughput: {delivered / elapsed:.0f} scores/s ({elapsed:.2f} s)")
    print(f"token requests: {stats['token_requests']} ({1000 * stats['token_requests'] / max(1, delivered):.2f} "
          f"per 1000 scores)")


if __name__ == "__main__":
    main()
