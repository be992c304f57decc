"""The outbox code of the release before 0009_h23a (main at f4cd616), frozen for the expand/contract test:
`OutboxItem` exactly as that release maps `grades_outbox` (without `last_attempt_at`; ForeignKey targets left out,
no query of these functions uses them) and its repository functions verbatim, plus the insert its
`hooks.enqueue_score` issues. Generated from `git show main:lti_tool/grades/{models,outbox}.py`; not imported by
the application."""

# ruff: noqa
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Index, Integer, String, Text, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from core.db import utcnow
from lti_tool.grades.models import DEAD, DELIVERED, DELIVERING, PENDING, LineItem
from lti_tool.models import Registration


class Base(DeclarativeBase):  # the old release's mapping, apart from the application's metadata
    pass


class OutboxItem(Base):
    """One delivery to a platform: a score to post, or a roster to refresh. Written in the transaction of
    the change that caused it; delivered by the worker; never deleted by it (dead rows stay visible)."""

    __tablename__ = "grades_outbox"
    __table_args__ = (
        Index("ix_grades_outbox_due", "status", "next_attempt_at"),
        Index("ix_grades_outbox_subject", "kind", "activity_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    registration_id: Mapped[int] = mapped_column(Integer)
    activity_id: Mapped[int | None] = mapped_column(nullable=True)
    account_id: Mapped[int | None] = mapped_column(nullable=True)
    course_id: Mapped[int | None] = mapped_column(nullable=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    score_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    registration_id: int
    activity_id: int | None
    account_id: int | None
    course_id: int | None
    payload: dict[str, Any]
    attempts: int  # including this one
    lease_until: datetime


@dataclass(frozen=True)
class Outcome:
    item_id: int
    lease_until: datetime
    status: str  # delivered | pending (retry later) | dead
    error: str | None = None
    retry_at: datetime | None = None


def _due(now: datetime) -> Any:
    """Items to deliver now. Those of a disabled platform are held (neither tried nor dead-lettered) until it is
    enabled again: a platform disabled for a while loses no grade."""
    return and_(
        or_(
            and_(OutboxItem.status == PENDING, OutboxItem.next_attempt_at <= now),
            and_(OutboxItem.status == DELIVERING, OutboxItem.lease_until < now),
        ),
        OutboxItem.registration_id.in_(select(Registration.id).where(Registration.status == "active")),
    )


def claim(session: Session, *, now: datetime, limit: int, lease_seconds: float) -> list[Claimed]:
    """Take up to `limit` due items: FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite one UPDATE statement
    (SQLite has a single writer, and the statement re-checks that each item is still due)."""
    lease_until = now + timedelta(seconds=lease_seconds)
    with session.begin():
        if session.connection().dialect.name == "postgresql":
            ids = list(session.scalars(
                select(OutboxItem.id).where(_due(now)).order_by(OutboxItem.next_attempt_at).limit(limit)
                .with_for_update(skip_locked=True)
            ))
            if not ids:
                return []
            target = OutboxItem.id.in_(ids)
        else:
            target = OutboxItem.id.in_(
                select(OutboxItem.id).where(_due(now)).order_by(OutboxItem.next_attempt_at).limit(limit)
                .scalar_subquery()
            )
        rows = session.execute(
            update(OutboxItem).where(target, _due(now))
            .values(status=DELIVERING, lease_until=lease_until, attempts=OutboxItem.attempts + 1)
            .returning(OutboxItem.id, OutboxItem.kind, OutboxItem.registration_id, OutboxItem.activity_id,
                       OutboxItem.account_id, OutboxItem.course_id, OutboxItem.payload, OutboxItem.attempts)
        ).all()
    return [Claimed(r.id, r.kind, r.registration_id, r.activity_id, r.account_id, r.course_id, dict(r.payload),
                    r.attempts, lease_until) for r in sorted(rows, key=lambda r: r.id)]


def record(session: Session, outcomes: list[Outcome], now: datetime | None = None) -> int:
    """Write outcomes in one transaction; an item whose lease was lost to another worker is left alone."""
    now = now or utcnow()
    written = 0
    delivered: dict[datetime, list[int]] = {}
    for out in outcomes:
        if out.status == DELIVERED and out.error is None:
            delivered.setdefault(out.lease_until, []).append(out.item_id)
    with session.begin():
        for lease_until, ids in delivered.items():  # the common case, one statement per batch
            result = session.execute(
                update(OutboxItem)
                .where(OutboxItem.id.in_(ids), OutboxItem.status == DELIVERING, OutboxItem.lease_until == lease_until)
                .values(status=DELIVERED, lease_until=None, last_error=None, delivered_at=now)
            )
            written += result.rowcount or 0
        for out in outcomes:
            if out.status == DELIVERED and out.error is None:
                continue
            values: dict[str, Any] = {"status": out.status, "lease_until": None, "last_error": out.error}
            if out.status == DELIVERED:
                values["delivered_at"] = now
            if out.status == PENDING:
                values["next_attempt_at"] = out.retry_at or now
            result = session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == out.item_id, OutboxItem.status == DELIVERING,
                       OutboxItem.lease_until == out.lease_until)
                .values(**values)
            )
            written += result.rowcount or 0
    return written


@dataclass(frozen=True)
class PlatformClient:
    registration_id: int
    client_id: str
    token_url: str
    active: bool
    issuer: str = ""


def platforms(session: Session, ids: set[int]) -> dict[int, PlatformClient]:
    rows = session.execute(
        select(Registration.id, Registration.client_id, Registration.auth_token_url, Registration.status,
               Registration.issuer).where(Registration.id.in_(ids))
    ).all()
    return {r.id: PlatformClient(r.id, r.client_id, r.auth_token_url, r.status == "active", r.issuer) for r in rows}


def line_item_url(session: Session, activity_id: int) -> str | None:
    return session.scalar(select(LineItem.url).where(LineItem.activity_id == activity_id))


def save_line_item(session: Session, activity_id: int, url: str) -> str:
    """Keep the activity's line item; when another worker saved one first, theirs is the one to use."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    with session.begin():
        session.execute(insert(LineItem).values(activity_id=activity_id, url=url, created_at=utcnow())
                        .on_conflict_do_nothing(index_elements=["activity_id"]))
        return session.scalar(select(LineItem.url).where(LineItem.activity_id == activity_id)) or url


@dataclass(frozen=True)
class DeadLetter:
    id: int
    kind: str
    registration_id: int
    activity_id: int | None
    account_id: int | None
    course_id: int | None
    attempts: int
    last_error: str | None
    created_at: datetime


def dead_letters(session: Session, limit: int = 100) -> list[DeadLetter]:
    rows = session.scalars(select(OutboxItem).where(OutboxItem.status == DEAD).order_by(OutboxItem.id).limit(limit))
    return [DeadLetter(r.id, r.kind, r.registration_id, r.activity_id, r.account_id, r.course_id, r.attempts,
                       r.last_error, r.created_at) for r in rows]


def retry_dead(session: Session, ids: list[int] | None = None, registration_id: int | None = None) -> int:
    """Give dead letters a fresh set of attempts, now. Returns how many were revived."""
    stmt = update(OutboxItem).where(OutboxItem.status == DEAD)
    if ids:
        stmt = stmt.where(OutboxItem.id.in_(ids))
    if registration_id is not None:
        stmt = stmt.where(OutboxItem.registration_id == registration_id)
    with session.begin():
        result = session.execute(stmt.values(status=PENDING, attempts=0, next_attempt_at=utcnow(), lease_until=None))
    return result.rowcount or 0


def counts(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    rows = session.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status)).all()
    return {status: n for status, n in rows}


def enqueue_score(session: Session, registration_id: int, score_value: float, payload: dict[str, Any]) -> int:
    """The row the old release's `hooks.enqueue_score` inserts (the columns it sets)."""
    item = OutboxItem(kind="score", registration_id=registration_id, activity_id=None, account_id=None,
                      score_value=score_value, status=PENDING, attempts=0, next_attempt_at=utcnow(), payload=payload)
    session.add(item)
    session.flush()
    return item.id
