"""Rate limit of the public verification page, against enumeration of codes: `LOOKUPS` lookups per client address
in any `WINDOW_SECONDS`, counted in the shared short-lived store (Redis with several workers; LPUSH + LTRIM,
atomic), the address kept only as a hash. With 24⁸ ≈ 1.1 × 10¹¹ codes, 40 an hour finds nothing by chance."""

from __future__ import annotations

import hashlib

from core.store.base import ShortLivedStore

LOOKUPS = 20
WINDOW_SECONDS = 30 * 60
_PREFIX = "verification:lookups:"


def _key(address: str) -> str:
    return _PREFIX + hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:32]


async def minutes_to_wait(store: ShortLivedStore, address: str, now: float, limit: int = LOOKUPS,
                          window: int = WINDOW_SECONDS) -> int:
    """0 when this address may look a code up now (and counts the lookup), else the minutes to wait."""
    key = _key(address)
    lookups = await store.recent(key, limit)
    if len(lookups) >= limit and float(lookups[limit - 1]) > now - window:
        return max(1, int((float(lookups[limit - 1]) + window - now) // 60) + 1)
    await store.push_capped(key, repr(now), limit, window)
    return 0
