"""Security headers on every response. Framing is allowed only for the origins of active registered
platforms (their issuers and login URLs), plus `PIX_LTI_FRAME_ANCESTORS` (space-separated, e.g. ENT portals)."""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lti_tool.registrations import list_registrations


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and all(c not in parts.netloc for c in " ;,'\""):
        return f"{parts.scheme}://{parts.netloc}"
    return None


class FrameAncestors:
    """The `frame-ancestors` source list, read from the registrations through a short per-process cache."""

    def __init__(self, ttl_seconds: float = 30.0) -> None:
        self.ttl = ttl_seconds
        self._value: str | None = None
        self._expires = 0.0
        self._refreshing = False

    def _load(self, sessions) -> str:  # type: ignore[no-untyped-def]
        with sessions() as session:
            views = list_registrations(session)
        origins = {o for v in views if v.active for o in (_origin(v.issuer), _origin(v.auth_login_url)) if o}
        origins |= {o for o in (_origin(x) for x in os.environ.get("PIX_LTI_FRAME_ANCESTORS", "").split()) if o}
        return " ".join(["'self'", *sorted(origins)])

    async def value(self, request: Request) -> str:
        if self._value is not None and (time.monotonic() < self._expires or self._refreshing):
            return self._value  # fresh, or being refreshed by another request: no stampede on the database
        state = getattr(request.app.state, "tool", None)
        if state is None:
            return "'self'"
        self._refreshing = True
        try:
            value = await run_in_threadpool(self._load, state.sessions)
        finally:
            self._refreshing = False
        self._value, self._expires = value, time.monotonic() + min(self.ttl, state.settings.registration_cache_seconds)
        return value


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task group, unlike `@app.middleware("http")`): adds the CSP with
    `frame-ancestors`, `nosniff` and the referrer policy to every HTTP response that does not set them."""

    def __init__(self, app: ASGIApp, ancestors: FrameAncestors) -> None:
        self.app = app
        self.ancestors = ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    value = await self.ancestors.value(Request(scope))
                    headers["content-security-policy"] = (
                        f"frame-ancestors {value}; object-src 'none'; base-uri 'self'"
                    )
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "strict-origin-when-cross-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI, ttl_seconds: float = 30.0) -> None:
    app.add_middleware(SecurityHeaders, ancestors=FrameAncestors(ttl_seconds))
