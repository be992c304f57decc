"""Tables of the personal-data area."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class ErasedIdentity(Base):
    """A keyed digest (HMAC-SHA-256) of an erased account's (issuer, sub): never the sub itself. While it is
    listed, an LMS roster (NRPS) does not store that person again unless they launch the tool themselves."""

    __tablename__ = "privacy_erased_identities"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
