"""Tables only the GAR connector uses: subscribed UAIs and the class-list entries waiting for their pupil.
Schools, classes, groups, members and GAR profiles are in `core.schools`; accounts are the shared `accounts`
table keyed on (GAR_ISSUER, IDO); no email anywhere."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow
from core.schools import GAR_ISSUER

__all__ = ["GAR_ISSUER", "GarRosterEntry", "GarSubscription"]


class GarSubscription(Base):
    __tablename__ = "gar_subscriptions"

    uai: Mapped[str] = mapped_column(String(8), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GarRosterEntry(Base):
    """One line of a school's class list (nom, prénom, date de naissance, classe) waiting for its pupil's first
    login. Deleted when matched (the names move to `GarProfile.listed_*`) or at the retention deadline.
    `account_id` is always NULL since migration 0007c (kept for the schema of older rows)."""

    __tablename__ = "gar_roster_entries"
    __table_args__ = (
        UniqueConstraint("school_id", "family_name", "given_name", "birth_date", name="uq_gar_roster_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("gar_schools.id", ondelete="CASCADE"), index=True)
    family_name: Mapped[str] = mapped_column(String(255))
    given_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[date] = mapped_column(Date)
    class_label: Mapped[str] = mapped_column(String(255))
    account_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
