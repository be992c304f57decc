"""SQLAlchemy models of campaigns. Participations are keyed by account; shared results are a frozen JSON snapshot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class Organisation(Base):
    """A school (by its UAI, from the GAR) or an LMS course's context (the class as the platform knows it)."""

    __tablename__ = "campaign_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "school" | "course"
    uai: Mapped[str | None] = mapped_column(String(8), unique=True, nullable=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), unique=True,
                                                  nullable=True)
    name: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TargetProfileRow(Base):
    __tablename__ = "campaign_target_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("campaign_organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    skills: Mapped[list] = mapped_column(JSON)
    stages: Mapped[list] = mapped_column(JSON, default=list)
    badges: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CampaignRow(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("campaign_organisations.id", ondelete="CASCADE"),
                                                 index=True)
    target_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_target_profiles.id", ondelete="RESTRICT"), nullable=True)
    multiple_sendings: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), nullable=True,
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ParticipationRow(Base):
    __tablename__ = "campaign_participations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "account_id", "attempt", name="uq_participation_attempt"),
        Index("ix_participations_campaign", "campaign_id", "is_improved"),
        Index("ix_participations_account", "account_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    is_improved: Mapped[bool] = mapped_column(Boolean, default=False)  # a later attempt replaced it
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    shared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    assessment_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    snapshot: Mapped[dict | None] = mapped_column(JSON, nullable=True)
