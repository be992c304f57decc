"""Tables of the grades area: LTI Advantage services seen at launch, line items, the delivery outbox
(scores to AGS, roster refreshes from NRPS). Course rosters are in `core.rosters`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow

PENDING, DELIVERING, DELIVERED, DEAD, SUPERSEDED = "pending", "delivering", "delivered", "dead", "superseded"
KIND_SCORE, KIND_ROSTER = "score", "roster"


class LaunchServices(Base):
    """What the platform offered at the latest launch of an activity by an account (AGS endpoint, NRPS)."""

    __tablename__ = "grades_launch_services"
    __table_args__ = (UniqueConstraint("account_id", "activity_id", name="uq_grades_launch_services"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registrations.id", ondelete="CASCADE"))
    lineitem: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    lineitems: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    ags_scopes: Mapped[list] = mapped_column(JSON, default=list)
    memberships_url: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    locale: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")  # of the gradebook comments
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LineItem(Base):
    """The line item URL found or created for an activity when its launches carried no `lineitem`."""

    __tablename__ = "grades_line_items"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registrations.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), nullable=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    score_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # when the latest attempt ended (0009_h23a, an expand migration): NULL for rows an older release wrote
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
