"""The test day's own table: when a candidate confirmed their identity in the room (arrived). Kept apart from
the session tables (additive: a row per arrived candidate, nothing changed in `certification_candidates`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class ArrivalRow(Base):
    __tablename__ = "certification_arrivals"

    candidate_id: Mapped[int] = mapped_column(ForeignKey("certification_candidates.id", ondelete="CASCADE"),
                                              primary_key=True)
    arrived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
