"""What the browser keeps of a learner's pages: nothing in its cache, and the session token not in its history.

- `Cache-Control: no-store` on every response that does not choose its own caching (profiles, tests, results,
  dashboards, campaign and admin pages, GAR pages, CSV exports); shipped files and the JWKS keep theirs.
- `Referrer-Policy: same-origin`: no address of the tool (nor any token in it) is sent to another site.
- The cookie-less launch token (`?lt=`) is only needed where the browser refuses the tool's cookie (a
  third-party iframe). A GET that carries it *and* the same token as its session cookie is redirected (303) to the
  same address without it: the token leaves the address bar and the history, and the pages that follow, built
  by `web.auth.link`, carry no token since the request has none. Without the cookie, nothing changes.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.auth import SESSION_COOKIE

REFERRER_POLICY = "same-origin"


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            return cookie_parser(value.decode("latin-1")).get(name)
    return None


def _without_token(scope: Scope) -> str | None:
    """The address without `lt` when the request's `lt` is its session cookie; else None."""
    query = scope.get("query_string", b"").decode("latin-1")
    if "lt=" not in query:
        return None
    pairs = parse_qsl(query, keep_blank_values=True)
    tokens = [v for k, v in pairs if k == "lt"]
    if len(tokens) != 1 or not tokens[0] or tokens[0] != _cookie(scope, SESSION_COOKIE):
        return None
    rest = urlencode([(k, v) for k, v in pairs if k != "lt"])
    path = quote(scope.get("root_path", "") + scope["path"])
    return f"{path}?{rest}" if rest else path


class PrivateResponses:
    """Pure ASGI middleware (no per-request task group)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD") and (target := _without_token(scope)) is not None:
            await send({"type": "http.response.start", "status": 303, "headers": [
                (b"location", target.encode("latin-1", "replace")), (b"cache-control", b"no-store"),
                (b"referrer-policy", REFERRER_POLICY.encode()), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("cache-control", "no-store")
                headers.setdefault("referrer-policy", REFERRER_POLICY)
            await send(message)

        await self.app(scope, receive, send_private)
