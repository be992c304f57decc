"""A dependency down (PostgreSQL or Redis) is an outage, not a bug: the request gets the French (or English) page
with 503 and `Retry-After`, the log says which dependency failed (never a traceback with request data), and the
next request tries again — SQLAlchemy's pool and redis-py reconnect by themselves once the service is back."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core import metrics
from web.error_page import error_html, locale_from
from web.i18n import translator
from web.observability import route_of
from web.security import content_security_policy

log = logging.getLogger("lti_tool.outage")

DATABASE, STORE = "database", "store"
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)
STORE_ERRORS: tuple[type[Exception], ...] = (RedisError,)


def dependency_of(exc: BaseException) -> str | None:
    """Which dependency an exception says is unreachable: "database", "store", or None (not an outage)."""
    if isinstance(exc, STORE_ERRORS):
        return STORE
    if isinstance(exc, DATABASE_ERRORS) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return DATABASE
    return None


def unavailable(request: Request, dependency: str, retry_after_seconds: int) -> Response:
    locale = locale_from(request.headers)
    name = translator(locale)(f"edge.dependency.{dependency}")
    body = error_html(locale, "unavailable", f"{dependency}_unavailable", dependency=name)
    return HTMLResponse(body, status_code=503, headers={"retry-after": str(retry_after_seconds),
                                                         "cache-control": "no-store"})


def install_outage_handlers(app: FastAPI, retry_after_seconds: int) -> None:
    async def handler(request: Request, exc: Exception) -> Response:
        dependency = dependency_of(exc)
        if dependency is None:
            raise exc  # a real bug: Starlette's server error handling (500, traceback in the log)
        counter = metrics.REDIS_ERRORS if dependency == STORE else metrics.DATABASE_ERRORS
        counter.labels(type(exc).__name__).inc()
        log.warning("%s unavailable during %s %s: %s", dependency, request.method, route_of(request.scope),
                    type(exc).__name__)
        return unavailable(request, dependency, retry_after_seconds)

    for error in (*DATABASE_ERRORS, DBAPIError, *STORE_ERRORS):
        app.add_exception_handler(error, handler)

    async def server_error(request: Request, exc: Exception) -> Response:
        """Any other error: a readable 500 page with the strict policy (Starlette's outermost error handler runs
        outside the security-headers middleware, so the page sets its own); the traceback still goes to the log."""
        body = error_html(locale_from(request.headers), "server_error", "server_error")
        ancestors = getattr(request.app.state, "frame_ancestors", None)
        return HTMLResponse(body, status_code=500, headers={
            "content-security-policy": content_security_policy(ancestors.last_known() if ancestors else "'self'"),
            "x-content-type-options": "nosniff", "cache-control": "no-store"})

    app.add_exception_handler(Exception, server_error)
