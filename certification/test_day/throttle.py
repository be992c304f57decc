"""Throttling of the codes typed on the test day (a session's access code, the invigilator's password), in the
shared short-lived store (Redis with several workers), as the admin login's: failures counted per account and per
client address, each further attempt after a few free ones waiting a delay that doubles, counted from the latest
failure. A successful attempt clears the account's failures. An access code is 6 characters from a 4.1 million
space, a password 6 from 24⁶: at one guess per minute after a dozen, none is found during a session.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from core.store.base import ShortLivedStore

FORGET_AFTER_SECONDS = 3600
BASE_DELAY_SECONDS = 2.0
_KEPT = 24


@dataclass(frozen=True)
class Backoff:
    free: int
    cap_seconds: float

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.cap_seconds, BASE_DELAY_SECONDS * 2.0 ** min(failures - self.free, 30))


PER_ACCOUNT = Backoff(free=5, cap_seconds=5 * 60)
PER_ADDRESS = Backoff(free=30, cap_seconds=15 * 60)  # a whole class types its codes behind one school address


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _keys(purpose: str, account_id: int, address: str) -> list[tuple[str, Backoff]]:
    return [(f"certif-fail:{purpose}:account:{account_id}", PER_ACCOUNT),
            (f"certif-fail:{purpose}:ip:{_digest(address)}", PER_ADDRESS)]


async def seconds_locked(store: ShortLivedStore, purpose: str, account_id: int, address: str,
                         now: float | None = None) -> int:
    """0 when an attempt is allowed now, else how many seconds to wait."""
    now = time.time() if now is None else now
    wait = 0.0
    for key, backoff in _keys(purpose, account_id, address):
        failures = await store.recent(key, _KEPT)
        if failures:
            wait = max(wait, float(failures[0]) + backoff.delay(len(failures)) - now)
    return max(0, int(wait + 0.999))


async def record_failure(store: ShortLivedStore, purpose: str, account_id: int, address: str,
                         now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key, _ in _keys(purpose, account_id, address):
        await store.push_capped(key, repr(now), _KEPT, FORGET_AFTER_SECONDS)


async def clear_account(store: ShortLivedStore, purpose: str, account_id: int) -> None:
    await store.delete(_keys(purpose, account_id, "-")[0][0])
