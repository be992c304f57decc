"""Run the grades worker with the tool's settings: as `pix-lti worker`, or in-process beside the demo. Beside the
deliveries, the worker runs the personal-data purge once per retention interval (`privacy.scheduler`)."""

from __future__ import annotations

import asyncio

from certificates import subscribers as certificate_subscribers
from core.db import make_engine, make_session_factory, run_migrations
from core.metrics import serve_metrics
from core.settings import Settings
from core.store import make_store
from lti_tool.grades import subscribers
from lti_tool.grades.metrics import outbox_gauges
from lti_tool.grades.settings import GradesSettings
from lti_tool.grades.worker import Worker, make_http_client
from privacy.retention import RetentionSettings
from privacy.scheduler import purge_periodically


async def run_worker(settings: Settings, grades: GradesSettings | None = None, *, stop: asyncio.Event | None = None,
                     once: bool = False, retention: RetentionSettings | None = None,
                     metrics_port: int = 0, metrics_host: str = "127.0.0.1") -> int:
    """Loop until `stop` is set (or, with `once`, until nothing is due; `once` does not purge). Returns the items
    delivered."""
    grades = grades or GradesSettings()
    subscribers.install()  # like every process that may run use cases (the app, the CLI)
    certificate_subscribers.install()
    engine = make_engine(settings.database_url)
    await asyncio.to_thread(run_migrations, engine)
    store = make_store(settings.redis_url)
    http = make_http_client(grades)
    sessions = make_session_factory(engine)
    if metrics_port:  # pix_lti_grades_sent_total and the outbox gauges, for Prometheus to scrape (loopback default)
        serve_metrics(metrics_port, metrics_host, [outbox_gauges(sessions)])
    worker = Worker(sessions, store, http, grades)
    try:
        if once:
            await worker.drain()
        else:
            stop = stop or asyncio.Event()
            purging = asyncio.create_task(purge_periodically(
                sessions, store, retention or RetentionSettings(), stop))
            try:
                await worker.run_forever(stop)
            finally:
                stop.set()
                await purging
        return worker.delivered
    finally:
        await http.aclose()
        await store.close()
        engine.dispose()
