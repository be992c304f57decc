"""The audit log: who changed what, when. Entries are added to the caller's session, so that they are
committed in the same transaction as the change they describe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.admin.models import AuditEntry


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
