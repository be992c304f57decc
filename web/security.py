"""Security headers on every response: a strict Content-Security-Policy (no inline script or style, forms
posted only to the tool — and, on the deep-linking return page, to the registered platform's return URL),
`nosniff` and the referrer policy. Framing is allowed only for the origins of active registered platforms
(their issuers and login URLs, given by the LTI door as `platform_urls`), plus `PIX_LTI_FRAME_ANCESTORS`
(space-separated, e.g. ENT portals)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("web")
FORM_ACTION_STATE = "csp_form_action"  # request.state: an extra origin the page's form may post to


def content_security_policy(frame_ancestors: str, form_action: str = "'self'") -> str:
    """The policy of every HTML page: scripts and styles only from the tool's own static files."""
    return (f"frame-ancestors {frame_ancestors}; default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action {form_action}")


def allow_form_action(request: Request, url: str) -> None:
    """Let this response's page post a form to the origin of `url` (e.g. the platform's deep-linking return)."""
    origin = _origin(url)
    if origin:
        setattr(request.state, FORM_ACTION_STATE, origin)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and all(c not in parts.netloc for c in " ;,'\""):
        return f"{parts.scheme}://{parts.netloc}"
    return None


class FrameAncestors:
    """The `frame-ancestors` source list, read from the registrations through a short per-process cache."""

    def __init__(self, platform_urls: Callable[[Session], Iterable[str]], ttl_seconds: float = 30.0) -> None:
        self.platform_urls = platform_urls
        self.ttl = ttl_seconds
        self._value: str | None = None
        self._expires = 0.0
        self._refreshing = False

    def _load(self, sessions) -> str:  # type: ignore[no-untyped-def]
        with sessions() as session:
            urls = list(self.platform_urls(session))
        origins = {o for o in (_origin(url) for url in urls) if o}
        origins |= {o for o in (_origin(x) for x in os.environ.get("PIX_LTI_FRAME_ANCESTORS", "").split()) if o}
        return " ".join(["'self'", *sorted(origins)])

    def last_known(self) -> str:
        """The list as last read, without touching the database."""
        return self._value or "'self'"

    async def value(self, request: Request) -> str:
        if self._value is not None and (time.monotonic() < self._expires or self._refreshing):
            return self._value  # fresh, or being refreshed by another request: no stampede on the database
        state = getattr(request.app.state, "tool", None)
        if state is None:
            return "'self'"
        self._refreshing = True
        try:
            value = await run_in_threadpool(self._load, state.sessions)
        except Exception as exc:  # database down: the last known list (or the tool alone), tried again in 5 s
            log.warning("frame-ancestors: registrations unreadable (%s)", type(exc).__name__)
            value = self._value or "'self'"
            self._value, self._expires = self._value, time.monotonic() + 5.0
            return value
        finally:
            self._refreshing = False
        self._value, self._expires = value, time.monotonic() + min(self.ttl, state.settings.registration_cache_seconds)
        return value


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task group, unlike `@app.middleware("http")`): adds the CSP
    (`content_security_policy`, with the registered platforms in `frame-ancestors`), `nosniff` and the referrer
    policy to every HTTP response that does not set them."""

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
                    request = Request(scope)
                    value = await self.ancestors.value(request)
                    extra = getattr(request.state, FORM_ACTION_STATE, None)
                    form_action = "'self'" + (f" {extra}" if extra else "")
                    headers["content-security-policy"] = content_security_policy(value, form_action)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "strict-origin-when-cross-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI, platform_urls: Callable[[Session], Iterable[str]],
                             ttl_seconds: float = 30.0) -> None:
    """`platform_urls(session)`: the URLs of the platforms allowed to frame the tool (the LTI door's active
    registrations: `lti_tool.registrations.framing_urls`)."""
    ancestors = FrameAncestors(platform_urls, ttl_seconds)
    app.state.frame_ancestors = ancestors  # for pages answered outside the middleware (the 500 page)
    app.add_middleware(SecurityHeaders, ancestors=ancestors)
