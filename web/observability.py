"""What an operator sees of a running instance: one middleware (request id, Prometheus counters and latency by route
template, one access log line per request) and three endpoints — `/livez` (the process answers, no I/O),
`/readyz` (PostgreSQL and Redis answer, the schema is migrated, the content bank is loaded; else 503 and why)
and `/metrics` (Prometheus text, for the allowed networks or the bearer token only; anyone else gets a 404).
Metric names: core/metrics.py; operations guide: docs/operations.md."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from fastapi import APIRouter
from prometheus_client.core import Metric
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from content_bank.active import active_bank
from core import metrics
from core.db import ping, schema_state
from core.logs import ACCESS_LOGGER, REQUEST_ID
from core.settings import Settings

access_log = logging.getLogger(ACCESS_LOGGER)
log = logging.getLogger("web.observability")
UNMATCHED = "unmatched"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@-]{1,128}")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(spec: str | None) -> tuple[Network, ...]:
    """"127.0.0.1 10.0.0.0/8, ::1" → networks (a bare address is a /32 or /128); `*` is every address."""
    found: list[Network] = []
    for item in re.split(r"[\s,]+", spec or ""):
        if item == "*":
            found += [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
        elif item:
            found.append(ipaddress.ip_network(item, strict=False))
    return tuple(found)


def address_in(host: str | None, allowed: tuple[Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in allowed)


def route_of(scope: Scope, status: int | None = None) -> str:
    """The route template that answered ("/evaluations/{assessment_id}"), never the raw path; `unmatched` when no
    route matches. FastAPI's routes leave themselves in the scope; plain Starlette routes (`add_route`, for speed)
    are found by their endpoint, and requests a middleware answered (the `lt=` redirect, 413) by matching."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    if status == 404 and scope.get("endpoint") is None:  # the router found nothing: no search (scanners' 404s)
        return UNMATCHED
    app = scope.get("app")
    templates = _TEMPLATES.get(id(app))
    if templates is None:
        templates = _TEMPLATES[id(app)] = RouteTemplates(getattr(getattr(app, "router", None), "routes", ()))
    return templates.of(scope)


class RouteTemplates:
    """Every leaf route of an app with its full template, walking FastAPI's included routers (with prefixes)."""

    def __init__(self, routes: Iterable[object]) -> None:
        self.leaves: list[tuple[object, str]] = list(self._walk(routes, ""))
        self.by_endpoint: dict[tuple[object, str], str] = {}
        for leaf, template in self.leaves:
            for method in getattr(leaf, "methods", None) or ():
                self.by_endpoint.setdefault((getattr(leaf, "endpoint", None), method), template)

    @classmethod
    def _walk(cls, routes: Iterable[object], prefix: str) -> Iterable[tuple[object, str]]:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:  # FastAPI >= 0.16x keeps included routers nested
                context = getattr(route, "include_context", None)
                yield from cls._walk(included.routes, prefix + (getattr(context, "prefix", "") or ""))
            elif isinstance(getattr(route, "path", None), str):
                yield route, prefix + route.path  # type: ignore[attr-defined]

    def of(self, scope: Scope) -> str:
        endpoint = scope.get("endpoint")
        if endpoint is not None and (found := self.by_endpoint.get((endpoint, scope.get("method")))):
            return found
        for leaf, template in self.leaves:  # answered before routing: match the path (rare requests)
            try:
                match, _ = leaf.matches(scope)  # type: ignore[attr-defined]
            except Exception:
                continue
            if match is Match.FULL:
                return template
        return UNMATCHED


_TEMPLATES: dict[int, RouteTemplates] = {}


class Observe:
    """Outermost ASGI middleware: request id (the trusted proxy's `X-Request-ID`, else a new one; echoed),
    metrics and the access line. `trusted` are the direct peers whose X-Request-ID is believed. The app rewrites
    the client address from X-Forwarded-For *inside* this middleware (uvicorn's ProxyHeadersMiddleware, added
    before it in pix_lti/app.py), so the peer seen here is the real TCP peer (uvicorn's own proxy handling is
    off: `serve` passes `proxy_headers=False`)."""

    def __init__(self, app: ASGIApp, trusted: tuple[Network, ...]) -> None:
        self.app = app
        self.trusted = trusted
        self._peers: dict[str, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = self._request_id(scope)
        token = REQUEST_ID.set(request_id)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route, method = route_of(scope, status), scope["method"]
            metrics.HTTP_REQUESTS.labels(route, method, str(status)).inc()
            metrics.HTTP_DURATION.labels(route, method).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO) and not access_log.disabled:
                access_log.info("request", extra={"method": method, "route": route, "status": status,
                                                  "duration_ms": round(elapsed * 1000, 2)})
            REQUEST_ID.reset(token)

    def _request_id(self, scope: Scope) -> str:
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                client = scope.get("client")
                if client and self._trusted(client[0]):
                    given = value.decode("latin-1")
                    if _REQUEST_ID.fullmatch(given):
                        return given
                break
        return os.urandom(16).hex()  # what uuid4().hex carries, without building a UUID

    def _trusted(self, host: str) -> bool:
        known = self._peers.get(host)
        if known is None:
            known = address_in(host, self.trusted)
            if len(self._peers) < 1024:  # the direct peers are the proxies: a handful
                self._peers[host] = known
        return known


class MetricsAccess:
    """Who may read /metrics: a peer in `PIX_LTI_METRICS_ALLOW`, or whoever shows the bearer token."""

    def __init__(self, settings: Settings) -> None:
        self.allowed = networks(settings.metrics_allow)
        token = settings.metrics_token
        if not token and settings.metrics_token_file:
            token = Path(settings.metrics_token_file).read_text(encoding="utf-8").strip()
        self.token = token or None

    def permits(self, request: Request) -> bool:
        if self.token:
            given = request.headers.get("authorization", "")
            if given.lower().startswith("bearer ") and hmac.compare_digest(given[7:].strip().encode(),
                                                                          self.token.encode()):
                return True
        client = request.client.host if request.client else None
        return address_in(client, self.allowed)


router = APIRouter()
MetricSource = Callable[[], Iterable[Metric]]


@router.get("/livez")
async def livez() -> JSONResponse:
    return JSONResponse({"status": "ok", "instance": metrics.instance_name()}, headers={"cache-control": "no-store"})


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when this instance can serve: PostgreSQL answers and its schema is at this code's migrations (or ahead:
    a newer release's expand step), Redis answers (when configured), the content bank is loaded. Else 503 and
    the reasons."""
    state = request.app.state.tool
    reasons: list[str] = []
    database = await run_in_threadpool(ping, state.engine)
    schema = None
    if database:
        try:
            schema = await run_in_threadpool(schema_state, state.engine)
        except Exception as exc:  # the database went away between the two queries
            metrics.DATABASE_ERRORS.labels(type(exc).__name__).inc()
            schema = "unknown"
        if schema not in ("at_head", "ahead"):
            reasons.append(f"schema_{schema}")
    else:
        metrics.DATABASE_ERRORS.labels("unreachable").inc()
        reasons.append("database_unreachable")
    redis: bool | None = None
    if state.settings.redis_url:
        redis = await state.store.ping()
        if not redis:
            metrics.REDIS_ERRORS.labels("unreachable").inc()
            reasons.append("redis_unreachable")
    try:
        bank = active_bank().info.version
    except Exception:
        bank = None
        reasons.append("content_bank_not_loaded")
    body = {"status": "not_ready" if reasons else "ready", "reasons": reasons, "database": database,
            "schema": schema, "redis": redis if state.settings.redis_url else "not_configured",
            "content_bank": bank, "instance": metrics.instance_name()}
    headers = {"cache-control": "no-store"}
    if reasons:
        headers["retry-after"] = str(state.settings.outage_retry_after_seconds)
    return JSONResponse(body, status_code=503 if reasons else 200, headers=headers)


@router.get("/metrics")
async def metrics_page(request: Request) -> Response:
    access: MetricsAccess = request.app.state.metrics_access
    if not access.permits(request):
        raise_not_found()
    sources: list[MetricSource] = getattr(request.app.state, "metric_sources", [])
    body = await run_in_threadpool(metrics.exposition, sources)
    return Response(body, media_type=metrics.CONTENT_TYPE, headers={"cache-control": "no-store"})


def raise_not_found() -> None:
    from starlette.exceptions import HTTPException

    raise HTTPException(status_code=404)
