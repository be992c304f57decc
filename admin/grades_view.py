"""Grade deliveries for the admin area, read from the grades outbox (lti_tool.grades.outbox): counts per status,
pending items, dead letters, and retrying dead letters (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.registration_admin import AdminError
from core import audit
from lti_tool.grades import outbox
from lti_tool.grades.models import PENDING, OutboxItem


@dataclass(frozen=True)
class PendingItem:
    id: int
    kind: str
    registration_id: int
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class GradesSummary:
    counts: dict[str, int]
    pending: list[PendingItem]
    dead: list[outbox.DeadLetter]


def summary(session: Session, limit: int = 100) -> GradesSummary:
    rows = session.scalars(select(OutboxItem).where(OutboxItem.status == PENDING)
                           .order_by(OutboxItem.next_attempt_at).limit(limit))
    pending = [PendingItem(r.id, r.kind, r.registration_id, r.attempts, r.next_attempt_at, r.last_error) for r in rows]
    session.rollback()  # end the read transaction: the outbox functions open their own
    return GradesSummary(outbox.counts(session), pending, outbox.dead_letters(session, limit))


def retry(session: Session, actor: str, ids: list[int] | None) -> int:
    """Revive dead letters (all, or these ids). The outbox commits its own transaction; the audit entry follows
    it immediately, with the number revived."""
    revived = outbox.retry_dead(session, ids=ids)
    if not revived:
        raise AdminError("Aucun envoi en échec définitif à relancer.", "nothing_to_retry")
    audit.record(session, actor, "grades.retry", "grades-outbox", ids=ids or "all", revived=revived)
    session.commit()
    return revived
