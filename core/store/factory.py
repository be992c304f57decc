"""Pick the store from the settings; warn (once per process, in French) when the in-process one is used."""

from __future__ import annotations

import logging

from core.store.base import ShortLivedStore
from core.store.memory import MemoryStore
from core.store.redis_store import RedisStore

log = logging.getLogger("core.store")
IN_PROCESS_WARNING = (
    "PIX_LTI_REDIS_URL n'est pas défini : l'état des connexions OIDC, les nonces et les caches restent dans ce "
    "processus. N'utilisez qu'UN processus (pas de --workers > 1), ou définissez PIX_LTI_REDIS_URL."
)
_announced = False


def in_process_store_announced() -> None:
    """The caller has told the person already (``pix-lti demo`` does, in its own words): don't warn again."""
    global _announced
    _announced = True


def make_store(redis_url: str | None) -> ShortLivedStore:
    global _announced
    if redis_url:
        return RedisStore(redis_url)
    if not _announced:
        log.warning(IN_PROCESS_WARNING)
        _announced = True
    return MemoryStore()
