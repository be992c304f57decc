"""SQLAlchemy models of test-taking, keyed by account; generic enough for campaign tests (`type`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_account", "account_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    competence_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    campaign_participation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    target_skills: Mapped[list] = mapped_column(JSON)
    strategy: Mapped[str] = mapped_column(String(32))
    seed: Mapped[str] = mapped_column(String(64))
    improving: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16))
    current_challenge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # when the current challenge was handed out (made current): the server-side clock of timed challenges
    challenge_shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AnswerRow(Base):
    __tablename__ = "assessment_answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "challenge_id", name="uq_answer_assessment_challenge"),
        Index("ix_answers_account", "account_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    challenge_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[object | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    elapsed_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnowledgeElementRow(Base):
    __tablename__ = "knowledge_elements"
    __table_args__ = (Index("ix_knowledge_elements_account", "account_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # append order
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    skill_name: Mapped[str] = mapped_column(String(64))
    competence_code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    earned_pix: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assessment_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    challenge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
