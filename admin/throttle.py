"""Login throttling with exponential backoff, in the shared short-lived store (Redis with several workers).

Failures are counted per client address and per account (list entries, LPUSH + LTRIM, atomic; a list is
forgotten after an hour without failures). After a few free failures, each further attempt must wait a delay
that doubles with every failure, counted from the latest one:

- per address: 5 free, then 2 s, 4 s, 8 s... up to 15 minutes — one address cannot guess on;
- per account: 3 free, then 2 s, 4 s, 8 s... up to 60 seconds — never a lock: an attacker failing on an
  account from many addresses slows its owner by a minute at most, instead of locking them out.

An attempt refused for its delay is not counted; a successful login clears the account's failures.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from core.store.base import ShortLivedStore

FORGET_AFTER_SECONDS = 3600  # an hour without failures wipes the slate
BASE_DELAY_SECONDS = 2.0


@dataclass(frozen=True)
class Backoff:
    free: int  # failures allowed before any delay
    cap_seconds: float  # the longest delay

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.cap_seconds, BASE_DELAY_SECONDS * 2.0 ** min(failures - self.free, 30))


PER_ADDRESS = Backoff(free=5, cap_seconds=15 * 60)
PER_ACCOUNT = Backoff(free=3, cap_seconds=60.0)
_KEPT = 24  # failures kept per key: enough for every delay to reach its cap


def _keys(username: str, address: str) -> list[tuple[str, Backoff]]:
    user = hashlib.sha256(username.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]
    ip = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return [(f"admin-login-fail:user:{user}", PER_ACCOUNT), (f"admin-login-fail:ip:{ip}", PER_ADDRESS)]


async def seconds_locked(store: ShortLivedStore, username: str, address: str, now: float | None = None) -> int:
    """0 when an attempt is allowed now, else how many seconds to wait."""
    now = time.time() if now is None else now
    wait = 0.0
    for key, backoff in _keys(username, address):
        failures = await store.recent(key, _KEPT)
        if failures:  # failures[0]: the latest
            wait = max(wait, float(failures[0]) + backoff.delay(len(failures)) - now)
    return max(0, int(wait + 0.999))


async def record_failure(store: ShortLivedStore, username: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key, _ in _keys(username, address):
        await store.push_capped(key, repr(now), _KEPT, FORGET_AFTER_SECONDS)


async def clear_username(store: ShortLivedStore, username: str) -> None:
    await store.delete(_keys(username, "-")[0][0])
