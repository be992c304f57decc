"""A cap on every request body, enforced while it streams (pure ASGI middleware).

A declared `Content-Length` above the cap is refused before anything is read; a chunked body (no length) or one
longer than it declared is counted as it arrives and refused as soon as it passes the cap. Whatever the application
then tries to answer, the client gets a 413 page (French, or English from `Accept-Language`), and the rest of the
body is never read nor buffered."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.error_page import error_html, locale_from

log = logging.getLogger("web")


@dataclass(frozen=True)
class BodyLimits:
    """Bytes accepted per kind of request (`PIX_LTI_MAX_*_BYTES`)."""

    form: int = 64 * 1024  # every form and any other body
    launch: int = 128 * 1024  # POST /lti/launch: the id_token (a real Moodle one is a few KB)
    saml: int = 512 * 1024  # POST /gar/acs: the signed SAML response
    upload: int = 2 * 1024 * 1024 + 64 * 1024  # POST /gar/roster (2 MB class list), certification CSV

    def for_path(self, path: str) -> int:
        if path == "/lti/launch":
            return self.launch
        if path == "/gar/acs":
            return self.saml
        if path == "/gar/roster" or (path.startswith("/certif/sessions/") and path.endswith("/csv")):
            return self.upload  # the GAR class list; a certification session's candidates (CSV)
        return self.form


class BodyTooLarge(Exception):
    """Raised from `receive` once the body passes its cap (the application may swallow it: the answer is 413)."""


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):g} Mo" if size >= 1024 * 1024 else f"{size // 1024} Ko"


class BodyLimit:
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        headers = Headers(scope=scope)
        log.info("request body over %d bytes refused: %s %s", limit, scope.get("method"), scope.get("path"))
        body = error_html(locale_from(headers), "too_large", "body_too_large", limit=_human(limit)).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"), (b"cache-control", b"no-store"),
        ]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope.get("path", ""))
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            try:
                too_long = int(declared) > limit
            except ValueError:
                too_long = False  # the server refuses a malformed length itself
            if too_long:
                await self._too_large(scope, send, limit)
                return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                if not started:  # the application answered after a swallowed BodyTooLarge: answer 413 instead
                    started = True
                    await self._too_large(scope, send, limit)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if exceeded and not started:
            await self._too_large(scope, send, limit)
