"""Login throttling in the shared short-lived store (Redis with several workers): after 5 failures for a
username within 15 minutes, or 20 from one client address, further attempts are refused until the window
slides past. Failures are list entries (LPUSH + LTRIM, atomic), so concurrent attempts are all counted."""

from __future__ import annotations

import hashlib
import time

from lti_tool.store.base import ShortLivedStore

WINDOW_SECONDS = 15 * 60
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 20


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    user = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [(f"admin-login-fail:user:{user}", MAX_PER_USERNAME), (f"admin-login-fail:ip:{address}", MAX_PER_ADDRESS)]


async def seconds_locked(store: ShortLivedStore, username: str, address: str, now: float | None = None) -> int:
    """0 when an attempt is allowed, else how long to wait."""
    now = time.time() if now is None else now
    wait = 0.0
    for key, limit in _keys(username, address):
        failures = await store.recent(key, limit)
        if len(failures) >= limit:
            wait = max(wait, float(failures[limit - 1]) + WINDOW_SECONDS - now)
    return max(0, int(wait + 0.999))


async def record_failure(store: ShortLivedStore, username: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key, limit in _keys(username, address):
        await store.push_capped(key, repr(now), limit, WINDOW_SECONDS)


async def clear_username(store: ShortLivedStore, username: str) -> None:
    await store.delete(_keys(username, "-")[0][0])
