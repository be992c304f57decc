"""Redis-backed store, shared by every worker: redis.asyncio on the event loop, and a synchronous
client (its own connection pool) for code running in worker threads (pylti1p3's storage)."""

from __future__ import annotations

import redis
from redis.asyncio import Redis
from redis.exceptions import RedisError


def _glob_literal(text: str) -> str:
    """`text` matched literally by a Redis glob pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


class RedisStore:
    def __init__(self, url: str, prefix: str = "pix-lti:") -> None:
        self._redis: Redis = Redis.from_url(
            url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=2.0
        )
        self._prefix = prefix
        self._sync = redis.Redis.from_url(url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=2.0)

    def _k(self, key: str) -> str:
        return self._prefix + key

    def set_sync(self, key: str, value: str, ttl_seconds: int) -> None:
        self._sync.set(self._k(key), value, ex=ttl_seconds)

    def set_nx_sync(self, key: str, value: str, ttl_seconds: int) -> bool:
        return bool(self._sync.set(self._k(key), value, ex=ttl_seconds, nx=True))

    def get_sync(self, key: str) -> str | None:
        return self._sync.get(self._k(key))  # type: ignore[return-value]

    def pop_sync(self, key: str) -> str | None:
        return self._sync.getdel(self._k(key))  # type: ignore[return-value]

    def scan_sync(self, prefix: str) -> list[tuple[str, str]]:
        found = []
        for full in self._sync.scan_iter(match=_glob_literal(self._k(prefix)) + "*", count=500, _type="string"):
            value = self._sync.get(full)
            if value is not None:
                found.append((str(full)[len(self._prefix):], str(value)))
        return found

    def delete_sync(self, key: str) -> None:
        self._sync.delete(self._k(key))

    def close_sync(self) -> None:
        """For a command that used only the synchronous client."""
        self._sync.close()

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        await self._redis.set(self._k(key), value, ex=ttl_seconds)

    async def set_nx(self, key: str, value: str, ttl_seconds: int) -> bool:
        return bool(await self._redis.set(self._k(key), value, ex=ttl_seconds, nx=True))

    async def get(self, key: str) -> str | None:
        return await self._redis.get(self._k(key))

    async def pop(self, key: str) -> str | None:
        return await self._redis.getdel(self._k(key))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._k(key))

    async def push_capped(self, key: str, value: str, max_len: int, ttl_seconds: int | None = None) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(self._k(key), value)
            pipe.ltrim(self._k(key), 0, max_len - 1)
            if ttl_seconds:
                pipe.expire(self._k(key), ttl_seconds)
            await pipe.execute()

    async def recent(self, key: str, n: int) -> list[str]:
        return list(await self._redis.lrange(self._k(key), 0, n - 1))

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._redis.aclose()
        self._sync.close()
