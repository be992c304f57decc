"""In-process store: correct for one process only (tests, the demo, a single worker)."""

from __future__ import annotations

import threading
import time


class MemoryStore:
    def __init__(self) -> None:
        self._data: dict[str, tuple[float, str]] = {}
        self._lists: dict[str, tuple[float, list[str]]] = {}
        self._lock = threading.Lock()  # also used from worker threads (the *_sync methods)

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

    def set_sync(self, key: str, value: str, ttl_seconds: int) -> None:
        with self._lock:
            now = time.monotonic()
            self._sweep(now)
            self._data[key] = (now + ttl_seconds, value)

    def set_nx_sync(self, key: str, value: str, ttl_seconds: int) -> bool:
        with self._lock:
            now = time.monotonic()
            if self._live(key, now) is not None:
                return False
            self._data[key] = (now + ttl_seconds, value)
            return True

    def get_sync(self, key: str) -> str | None:
        with self._lock:
            return self._live(key, time.monotonic())

    def pop_sync(self, key: str) -> str | None:
        with self._lock:
            value = self._live(key, time.monotonic())
            self._data.pop(key, None)
            return value

    def scan_sync(self, prefix: str) -> list[tuple[str, str]]:
        with self._lock:
            now = time.monotonic()
            return [(key, value) for key, (expires, value) in list(self._data.items())
                    if key.startswith(prefix) and expires > now]

    def delete_sync(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)
            self._lists.pop(key, None)

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        self.set_sync(key, value, ttl_seconds)

    async def set_nx(self, key: str, value: str, ttl_seconds: int) -> bool:
        return self.set_nx_sync(key, value, ttl_seconds)

    async def get(self, key: str) -> str | None:
        return self.get_sync(key)

    async def pop(self, key: str) -> str | None:
        return self.pop_sync(key)

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)
        self._lists.pop(key, None)

    async def push_capped(self, key: str, value: str, max_len: int, ttl_seconds: int | None = None) -> None:
        now = time.monotonic()
        expires, items = self._lists.get(key, (float("inf"), []))
        if expires <= now:
            items = []
        items = [value, *items][:max_len]
        self._lists[key] = (now + ttl_seconds if ttl_seconds else float("inf"), items)

    async def recent(self, key: str, n: int) -> list[str]:
        expires, items = self._lists.get(key, (float("inf"), []))
        return [] if expires <= time.monotonic() else items[:n]

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._data.clear()
        self._lists.clear()
