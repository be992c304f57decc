"""The grade outbox as Prometheus gauges, computed from the database when scraped (three cheap aggregate queries on
the indexed `status` column): `pix_lti_grade_outbox_pending` (pending or being delivered),
`pix_lti_grade_outbox_oldest_age_seconds` (age of the oldest of those; 0 when none) and `pix_lti_grade_dead_letters`.
Computed, not stored: every instance and the worker report the same truth, whichever is scraped."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core import metrics
from core.db import utcnow
from lti_tool.grades.models import DEAD, DELIVERING, PENDING, OutboxItem

log = logging.getLogger("lti_tool.grades")


def outbox_figures(session: Session) -> tuple[int, float, int]:
    """(pending, oldest pending age in seconds, dead letters)."""
    waiting = OutboxItem.status.in_((PENDING, DELIVERING))
    pending, oldest = session.execute(select(func.count(), func.min(OutboxItem.created_at)).where(waiting)).one()
    dead = session.scalar(select(func.count()).where(OutboxItem.status == DEAD)) or 0
    age = 0.0
    if oldest is not None:
        if oldest.tzinfo is None:  # SQLite returns naive datetimes
            from datetime import UTC
            oldest = oldest.replace(tzinfo=UTC)
        age = max(0.0, (utcnow() - oldest).total_seconds())
    return int(pending or 0), age, int(dead)


def outbox_gauges(sessions: sessionmaker[Session]) -> Callable[[], Iterable[Metric]]:
    def collect() -> Iterator[Metric]:
        try:
            with sessions() as session:
                pending, age, dead = outbox_figures(session)
        except Exception as exc:  # the database is away: no gauges this time (the error is counted)
            metrics.DATABASE_ERRORS.labels(type(exc).__name__).inc()
            log.warning("grade outbox gauges unavailable: %s", type(exc).__name__)
            return
        yield GaugeMetricFamily("pix_lti_grade_outbox_pending", "Grade deliveries waiting (pending or in flight).",
                                value=pending)
        yield GaugeMetricFamily("pix_lti_grade_outbox_oldest_age_seconds",
                                "Age of the oldest waiting grade delivery (0 when none).", value=age)
        yield GaugeMetricFamily("pix_lti_grade_dead_letters", "Grade deliveries abandoned (dead letters).",
                                value=dead)

    return collect
