"""The audit log: who changed what, when. Entries are added to the caller's session, so that they are
committed in the same transaction as the change they describe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, utcnow


class AuditEntry(Base):
    """One administrative change (who, what, when); the table keeps its first name, admin_audit_log."""

    __tablename__ = "admin_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(512), nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


@dataclass(frozen=True)
class AuditView:
    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any]


def record(session: Session, actor: str, action: str, target: str | None, **details: Any) -> None:
    session.add(AuditEntry(at=datetime.now(UTC), actor=actor, action=action, target=target, details=details))


def recent_entries(session: Session, limit: int = 200) -> list[AuditView]:
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return [AuditView(r.at, r.actor, r.action, r.target, dict(r.details or {})) for r in rows]
