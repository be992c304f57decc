"""Registration tokens already used by a dynamic registration (SHA-256 only): a reused token is refused here
before the platform is even asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class UsedRegistrationToken(Base):
    __tablename__ = "lti_dynreg_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_registrations.id", ondelete="SET NULL"), nullable=True)
    issuer: Mapped[str] = mapped_column(String(512))
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlatformHostRequest(Base):
    """A host that tried to register through `/lti/register` without being on the allow-list: pending until an
    administrator approves (or refuses) it in the admin area or with `pix-lti registration host-approve`."""

    __tablename__ = "lti_dynreg_host_requests"

    host: Mapped[str] = mapped_column(String(253), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | approved | refused
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
