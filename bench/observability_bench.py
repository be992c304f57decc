"""Overhead of the observability middleware (issue 23): request id, Prometheus counter + histogram by route
template, and the access log line — per request, in process (the ASGI app called directly, no sockets, so the
figures are the middleware's own cost, not the network's), with and without it.

    python3 bench/observability_bench.py [--requests 20000] [--database-url sqlite:///…]

Variants: `without` (the app with `Observe` and the proxy-headers middleware removed), `metrics` (with them,
access log off: PIX_LTI_ACCESS_LOG=0), `metrics+json log` (with them, one JSON line per request written to
/dev/null). Routes: `/livez` (no I/O: the worst case, relatively), `/lti/jwks` (a real handler reading its cache)
and an unknown path (`unmatched`: the route search of a 404). Prints requests/s and CPU µs per request.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PIX_LTI_SECRET_KEYS", "YmVuY2gtb25seS1rZXktZm9yLXBpeC1sdGktYmVuY2g=")

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware  # noqa: E402

from core.logs import ACCESS_LOGGER, make_handler, quiet_libraries  # noqa: E402
from core.settings import Settings  # noqa: E402
from pix_lti.app import create_app  # noqa: E402
from web.observability import Observe  # noqa: E402


async def call(app, path: str) -> int:  # type: ignore[no-untyped-def]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(b"host", b"localhost"), (b"user-agent", b"bench")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}
    status = 0

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message) -> None:  # type: ignore[no-untyped-def]
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def measure(app, path: str, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    for _ in range(200):  # warm-up: caches, route templates
        await call(app, path)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        await call(app, path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return n / wall, cpu / n * 1e6


async def run_variant(name: str, settings: Settings, n: int, observed: bool, json_log: bool) -> None:
    app = create_app(settings)
    if not observed:
        app.user_middleware = [m for m in app.user_middleware if m.cls not in (Observe, ProxyHeadersMiddleware)]
    access = logging.getLogger(ACCESS_LOGGER)
    root = logging.getLogger()
    handler = make_handler(open(os.devnull, "w"), "json")  # noqa: SIM115
    if json_log:
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    access.disabled = not json_log
    try:
        async with app.router.lifespan_context(app):
            for path in ("/livez", "/lti/jwks", "/pas/de/page"):
                rate, cpu_us = await measure(app, path, n)
                print(f"{name:<18} {path:<14} {rate:>9.0f} req/s   {cpu_us:>7.1f} µs CPU/request")
    finally:
        root.removeHandler(handler)


async def middleware_alone(n: int) -> None:
    """The middleware around a trivial ASGI app (no FastAPI): its own cost, less sensitive to the host's load.
    `route in scope`: what FastAPI routes leave; `unmatched`: the route search over the real app's routes (a 404)."""
    class Route:
        path = "/evaluations/{assessment_id}"

    async def trivial(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        scope["route"] = Route
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    async def unknown(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    real = create_app(Settings(database_url="sqlite:///:memory:", redis_url=None))
    logging.getLogger(ACCESS_LOGGER).disabled = True
    observed, observed_unknown = Observe(trivial, ()), Observe(unknown, ())

    async def with_app(app, path):  # type: ignore[no-untyped-def]
        async def inner(scope, receive, send):  # type: ignore[no-untyped-def]
            scope["app"] = real
            await app(scope, receive, send)
        return await measure(inner, path, n)

    for name, app in (("bare app", trivial), ("Observe(app)", observed), ("Observe(404 app)", observed_unknown)):
        rate, cpu_us = await with_app(app, "/pas/de/page" if "404" in name else "/evaluations/x")
        print(f"{name:<18} {'(no FastAPI)':<14} {rate:>9.0f} req/s   {cpu_us:>7.1f} µs CPU/request")
    root, handler = logging.getLogger(), make_handler(open(os.devnull, "w"), "json")  # noqa: SIM115
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger(ACCESS_LOGGER).disabled = False
    try:
        rate, cpu_us = await with_app(observed, "/evaluations/x")
        print(f"{'Observe+json log':<18} {'(no FastAPI)':<14} {rate:>9.0f} req/s   {cpu_us:>7.1f} µs CPU/request")
    finally:
        root.removeHandler(handler)
        logging.getLogger(ACCESS_LOGGER).disabled = True


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    quiet_libraries()
    directory = tempfile.mkdtemp(prefix="pix-lti-obs-bench-")
    url = args.database_url or f"sqlite:///{directory}/bench.sqlite3"
    settings = Settings(database_url=url, redis_url=None, base_url="http://localhost")
    print(f"{args.requests} requests per route, in process, one at a time ({url.split('://')[0]})")
    await middleware_alone(args.requests * 4)
    for name, observed, json_log in (("without", False, False), ("metrics", True, False),
                                     ("metrics+json log", True, True), ("without (again)", False, False)):
        await run_variant(name, settings, args.requests, observed, json_log)


if __name__ == "__main__":
    asyncio.run(main())
