"""The short-lived store contract: Redis semantics (SET NX + TTL, GETDEL), async."""

from __future__ import annotations

from typing import Protocol


class ShortLivedStore(Protocol):
    async def set(self, key: str, value: str, ttl_seconds: int) -> None: ...

    async def set_nx(self, key: str, value: str, ttl_seconds: int) -> bool:
        """Store only if absent; True when this call created the key (single-use markers)."""
        ...

    async def get(self, key: str) -> str | None: ...

    async def pop(self, key: str) -> str | None:
        """Atomically read and delete (GETDEL)."""
        ...

    async def delete(self, key: str) -> None: ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...
