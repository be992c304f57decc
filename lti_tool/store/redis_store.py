"""Redis-backed store (redis.asyncio), shared by every worker."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError


class RedisStore:
    def __init__(self, url: str, prefix: str = "pix-lti:") -> None:
        self._redis: Redis = Redis.from_url(
            url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=2.0
        )
        self._prefix = prefix

    def _k(self, key: str) -> str:
        return self._prefix + key

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

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._redis.aclose()
