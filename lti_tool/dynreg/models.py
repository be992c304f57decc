"""Registration tokens already used by a dynamic registration (SHA-256 only): a reused token is refused here
before the platform is even asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.persistence.models import Base, utcnow


class UsedRegistrationToken(Base):
    __tablename__ = "lti_dynreg_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_registrations.id", ondelete="SET NULL"), nullable=True)
    issuer: Mapped[str] = mapped_column(String(512))
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
