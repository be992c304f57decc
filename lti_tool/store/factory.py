"""Pick the store from the settings; warn loudly when the in-process one is used."""

from __future__ import annotations

import logging

from lti_tool.store.base import ShortLivedStore
from lti_tool.store.memory import MemoryStore
from lti_tool.store.redis_store import RedisStore

log = logging.getLogger("lti_tool.store")


def make_store(redis_url: str | None) -> ShortLivedStore:
    if redis_url:
        return RedisStore(redis_url)
    log.warning(
        "PIX_LTI_REDIS_URL is not set: OIDC state, nonces and caches live in this process only. "
        "Run ONE process only (no --workers > 1), or set PIX_LTI_REDIS_URL."
    )
    return MemoryStore()
