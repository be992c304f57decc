"""In-process store: correct for one process only (tests, the demo, a single worker)."""

from __future__ import annotations

import asyncio
import time


class MemoryStore:
    def __init__(self) -> None:
        self._data: dict[str, tuple[float, str]] = {}
        self._lock = asyncio.Lock()

    def _live(self, key: str, now: float) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[0] <= now:
            del self._data[key]
            return None
        return item[1]

    def _sweep(self, now: float) -> None:
        if len(self._data) > 10_000:
            for key in [k for k, (exp, _) in self._data.items() if exp <= now]:
                del self._data[key]

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        now = time.monotonic()
        self._sweep(now)
        self._data[key] = (now + ttl_seconds, value)

    async def set_nx(self, key: str, value: str, ttl_seconds: int) -> bool:
        async with self._lock:
            now = time.monotonic()
            if self._live(key, now) is not None:
                return False
            self._data[key] = (now + ttl_seconds, value)
            return True

    async def get(self, key: str) -> str | None:
        return self._live(key, time.monotonic())

    async def pop(self, key: str) -> str | None:
        async with self._lock:
            value = self._live(key, time.monotonic())
            self._data.pop(key, None)
            return value

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._data.clear()
