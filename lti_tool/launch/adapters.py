"""pylti1p3's framework seams implemented for FastAPI/Starlette: Request, CookieService, Redirect,
a LaunchDataStorage over the tool's short-lived store (Redis, or in-process), and the SessionService
that keys state, nonce and launch data the way the hardening needs (single-use state and nonce).

pylti1p3 is synchronous: the launch and login objects run in a worker thread
(`starlette.concurrency.run_in_threadpool`) and use the store's synchronous client; the rare calls that
need the event loop (fetching a platform's keys with the app's async httpx client) go back to it
through `LoopBridge`. The event loop is never blocked.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from html import escape as html_escape
from typing import Any, TypeVar

from anyio import from_thread
from pylti1p3.cookie import CookieService
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.redirect import Redirect
from pylti1p3.request import Request
from pylti1p3.session import SessionService
from starlette.responses import HTMLResponse, RedirectResponse, Response

from core.store.base import ShortLivedStore
from web.cookies import set_cookie

T = TypeVar("T")


class LoopBridge:
    """Runs a coroutine of the app's event loop from the worker thread pylti1p3 runs in."""

    def run(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        return from_thread.run(fn, *args)


class FastAPIRequest(Request):
    """The parameters (query + form, already read by the route), cookies and scheme of one request."""

    def __init__(self, params: Mapping[str, str], cookies: Mapping[str, str], secure: bool) -> None:
        self._params = dict(params)
        self._cookies = dict(cookies)
        self._secure = secure

    @property
    def session(self) -> None:  # pylti1p3's framework sessions are not used: state lives in the store
        return None

    def is_secure(self) -> bool:
        return self._secure

    def get_param(self, key: str) -> str:
        return self._params.get(key, "")

    def get_cookie(self, name: str) -> str | None:
        return self._cookies.get(name)

    def cookie_names(self) -> list[str]:
        return list(self._cookies)


class CookieJar(CookieService):
    """Reads the request's cookies and collects the ones to set, applied to the response at the end:
    `SameSite=None; Secure; Partitioned` on HTTPS (usable inside the LMS iframe), plain on http."""

    _cookie_prefix = "lti1p3"

    def __init__(self, request: FastAPIRequest) -> None:
        self._request = request
        self._pending: list[tuple[str, str, int]] = []

    def _name(self, name: str) -> str:
        return f"{self._cookie_prefix}-{name}"

    def get_cookie(self, name: str) -> str | None:
        return self._request.get_cookie(self._name(name))

    def has_any(self, prefix: str) -> bool:
        full = self._name(prefix)
        return any(name.startswith(full) for name in self._request.cookie_names())

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self._pending.append((self._name(name), str(value), exp if exp is not None else 3600))

    def delete_cookie(self, name: str) -> None:
        self._pending.append((self._name(name), "", 0))

    def apply(self, response: Response) -> Response:
        for name, value, max_age in self._pending:
            set_cookie(response, name, value, max_age, self._request.is_secure())
        return response


class FastAPIRedirect(Redirect[Response]):
    def __init__(self, location: str, cookies: CookieJar) -> None:
        self._location = location
        self._cookies = cookies

    def do_redirect(self) -> Response:
        return self._cookies.apply(RedirectResponse(self._location, status_code=302))

    def do_js_redirect(self) -> Response:
        target = html_escape(self._location, quote=True)
        html = (f'<!doctype html><meta charset=utf-8><body data-location="{target}">'
                '<script src="/static/outil/redirect.js"></script></body>')
        return self._cookies.apply(HTMLResponse(html))

    def set_redirect_url(self, location: str) -> None:
        self._location = location

    def get_redirect_url(self) -> str:
        return self._location


class StoreLaunchDataStorage(LaunchDataStorage[Any]):
    """pylti1p3 storage over the short-lived store (values as JSON), with the two atomic operations the
    hardening needs: `pop_value` (GETDEL, single-use state) and `add_value` (SET NX, single-use nonce).
    Keys are global (no per-browser session id): the state cookie binds a launch to its browser.
    Uses the store's synchronous client: pylti1p3 runs in a worker thread, never on the event loop."""

    _session_cookie_name = ""

    def __init__(self, store: ShortLivedStore, default_ttl: int = 3600, *, deferred: bool = False) -> None:
        super().__init__()
        self._store = store
        self._default_ttl = default_ttl
        self._deferred = deferred
        self._pending: list[tuple[str, str, int]] = []

    async def flush(self) -> None:
        """Write what a deferred storage collected (the login runs on the event loop: no blocking I/O)."""
        pending, self._pending = self._pending, []
        for key, value, ttl in pending:
            await self._store.set(key, value, ttl)

    def _reads(self) -> None:
        if self._deferred:
            raise RuntimeError("a deferred storage only collects writes")

    def get_session_cookie_name(self) -> str | None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        self._reads()
        raw = self._store.get_sync(key)
        return None if raw is None else json.loads(raw)

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        if self._deferred:
            self._pending.append((key, json.dumps(value), exp or self._default_ttl))
            return
        self._store.set_sync(key, json.dumps(value), exp or self._default_ttl)

    def check_value(self, key: str) -> bool:
        self._reads()
        return self._store.get_sync(key) is not None

    def pop_value(self, key: str) -> Any:
        self._reads()
        raw = self._store.pop_sync(key)
        return None if raw is None else json.loads(raw)

    def add_value(self, key: str, value: Any, exp: int) -> bool:
        self._reads()
        return self._store.set_nx_sync(key, json.dumps(value), exp)


class StoreSessionService(SessionService):
    """pylti1p3's session service with the tool's key layout: `state:{state}` (the login's record,
    taken once), `nonce:{issuer}:{nonce}` (marked once), `launch:{launch_id}` (the validated launch)."""

    data_storage: StoreLaunchDataStorage

    def __init__(self, storage: StoreLaunchDataStorage, state_ttl: int, nonce_ttl: int, launch_ttl: int) -> None:
        self.data_storage = storage
        self._state_ttl = state_ttl
        self._nonce_ttl = nonce_ttl
        self._launch_data_lifetime = launch_ttl

    def save_state_params(self, state: str, params: dict[str, object]) -> None:
        self.data_storage.set_value(f"state:{state}", params, self._state_ttl)

    def get_state_params(self, state: str) -> dict[str, object]:
        return self.data_storage.get_value(f"state:{state}")

    def take_state_params(self, state: str) -> dict[str, Any] | None:
        value = self.data_storage.pop_value(f"state:{state}")
        return value if isinstance(value, dict) else None

    def consume_nonce(self, issuer: str, nonce: str) -> bool:
        """True the first time this nonce is seen for this issuer, False on every replay."""
        return self.data_storage.add_value(f"nonce:{issuer}:{nonce}", 1, self._nonce_ttl)

    def save_launch_data(self, key: str, jwt_body: Mapping[str, Any]) -> None:
        self.data_storage.set_value(f"launch:{key}", dict(jwt_body), self._launch_data_lifetime)

    def get_launch_data(self, key: str) -> Any:
        return self.data_storage.get_value(f"launch:{key}")
