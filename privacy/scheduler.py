"""The purge inside `pix-lti worker`: once per interval across all workers (a Redis marker decides which one)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from core.store.base import ShortLivedStore
from privacy.retention import RetentionSettings, purge

log = logging.getLogger("privacy")
MARKER = "privacy:purge"
WORKER_ACTOR = "worker"


async def purge_periodically(sessions: sessionmaker[Session], store: ShortLivedStore, settings: RetentionSettings,
                             stop: asyncio.Event) -> None:
    """Until `stop`: purge when no worker has done it within the interval, then look again a while later."""
    check_every = min(settings.purge_interval_seconds, 600)
    while not stop.is_set():
        if await store.set_nx(MARKER, datetime.now(UTC).isoformat(), settings.purge_interval_seconds):
            try:
                # the purge runs in a thread that cannot be cancelled: it looks at `stop` between two batches
                report = await asyncio.to_thread(purge, sessions, store, settings, datetime.now(UTC), WORKER_ACTOR,
                                                 stop.is_set)
                log.info("purge: %s account(s), %s%s", report.accounts, report.tables,
                         " (interrupted by the worker's stop)" if report.interrupted else "")
                if report.interrupted:  # the next worker to start finishes it, without waiting for the interval
                    await store.delete(MARKER)
            except Exception:  # the database may be away for a moment: try again at the next interval
                log.exception("purge failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=check_every)
