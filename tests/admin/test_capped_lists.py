"""push_capped / recent on both short-lived stores (used by the launch log and login throttling)."""

from __future__ import annotations

import asyncio
import os

import pytest

from admin import throttle
from core.store.memory import MemoryStore


def _stores() -> list:  # type: ignore[type-arg]
    stores: list = [MemoryStore()]  # type: ignore[type-arg]
    url = os.environ.get("PIX_LTI_TEST_REDIS_URL")
    if url:
        from core.store.redis_store import RedisStore

        stores.append(RedisStore(url, prefix="pix-lti-test-capped:"))
    elif os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
        pytest.fail("PIX_LTI_TEST_REDIS_URL is required")
    return stores


def test_capped_lists_keep_the_newest_items_first() -> None:
    async def run() -> None:
        for store in _stores():
            await store.delete("events")
            for i in range(7):
                await store.push_capped("events", str(i), 5)
            assert await store.recent("events", 10) == ["6", "5", "4", "3", "2"]
            assert await store.recent("events", 2) == ["6", "5"]
            await store.delete("events")
            assert await store.recent("events", 10) == []
            await store.close()

    asyncio.run(run())


def test_throttle_backoff_doubles_per_account_and_ignores_case() -> None:
    async def run() -> None:
        store = MemoryStore()
        for i in range(throttle.PER_ACCOUNT.free):
            assert await throttle.seconds_locked(store, "Alice", "1.2.3.4", now=1000.0 + i) == 0
            await throttle.record_failure(store, "alice", "1.2.3.4", now=1000.0 + i)
        last = 1000.0 + throttle.PER_ACCOUNT.free - 1
        assert await throttle.seconds_locked(store, "ALICE", "5.6.7.8", now=last) == 2
        await throttle.record_failure(store, "alice", "5.6.7.8", now=last + 2)
        assert await throttle.seconds_locked(store, "alice", "5.6.7.8", now=last + 2) == 4
        assert await throttle.seconds_locked(store, "alice", "5.6.7.8", now=last + 6) == 0
        assert await throttle.seconds_locked(store, "bob", "5.6.7.8", now=last + 2) == 0

    asyncio.run(run())
