"""The certificates table: one row per candidate of a published session (validated, rejected or cancelled), so
the school's results list every candidate; only validated ones carry a verification code."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class CertificateRow(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_course_id: Mapped[int] = mapped_column(Integer, unique=True)
    session_id: Mapped[int] = mapped_column(Integer, index=True)
    session_number: Mapped[int] = mapped_column(Integer)
    centre_id: Mapped[int] = mapped_column(Integer, index=True)
    centre_name: Mapped[str] = mapped_column(String(512))
    centre_uai: Mapped[str | None] = mapped_column(String(8), nullable=True)
    session_date: Mapped[date] = mapped_column(Date)
    version: Mapped[str] = mapped_column(String(4))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)
    first_name: Mapped[str] = mapped_column(String(255))
    last_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    division: Mapped[str | None] = mapped_column(String(255), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    global_level: Mapped[str | None] = mapped_column(String(32), nullable=True)
    competence_levels: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    verification_code: Mapped[str | None] = mapped_column(String(10), unique=True, nullable=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

