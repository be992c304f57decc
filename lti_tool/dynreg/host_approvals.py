"""Which platforms may use dynamic registration: the hosts of `PIX_LTI_DYNREG_ALLOWED_HOSTS`, plus those an
administrator approved. Any other host's attempt is recorded as a pending request (nothing is fetched from it)
for an administrator to approve or refuse; the platform's administrator then starts the registration again.
At most MAX_PENDING requests wait at a time, so unknown hosts cannot fill the table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from lti_tool.dynreg.models import PlatformHostRequest

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
MAX_PENDING = 200


@dataclass(frozen=True)
class HostRequestView:
    host: str
    status: str
    attempts: int
    first_seen: datetime
    last_seen: datetime
    decided_by: str | None


def host_status(session: Session, host: str) -> str | None:
    return session.scalar(select(PlatformHostRequest.status).where(PlatformHostRequest.host == host.lower()))


def record_attempt(session: Session, host: str) -> str:
    """Note an attempt from a host not on the allow-list; its status (a new host is pending)."""
    host = host.lower()
    row = session.get(PlatformHostRequest, host)
    now = utcnow()
    if row is None:
        pending = session.scalar(select(func.count()).select_from(PlatformHostRequest)
                                 .where(PlatformHostRequest.status == PENDING)) or 0
        if pending >= MAX_PENDING:
            return PENDING  # not recorded: the list of requests is full until an administrator clears it
        session.add(PlatformHostRequest(host=host, status=PENDING, attempts=1, first_seen=now, last_seen=now))
        session.commit()
        return PENDING
    row.attempts += 1
    row.last_seen = now
    session.commit()
    return row.status


def decide(session: Session, host: str, approve: bool, actor: str) -> None:
    """Approve or refuse a host (recorded even if it never asked: an administrator may approve ahead)."""
    host = host.strip().lower()
    if not host or len(host) > 253 or any(c in host for c in "/:@ \t"):
        raise ValueError("nom d'hôte invalide")
    row = session.get(PlatformHostRequest, host)
    now = utcnow()
    if row is None:
        row = PlatformHostRequest(host=host, attempts=0, first_seen=now, last_seen=now)
        session.add(row)
    row.status = APPROVED if approve else REFUSED
    row.decided_by, row.decided_at = actor, now
    audit.record(session, actor, "registration.host." + ("approve" if approve else "refuse"), f"host:{host}")
    session.commit()


def list_requests(session: Session) -> list[HostRequestView]:
    rows = session.scalars(select(PlatformHostRequest).order_by(PlatformHostRequest.status,
                                                                PlatformHostRequest.last_seen.desc()).limit(500))
    return [HostRequestView(r.host, r.status, r.attempts, r.first_seen, r.last_seen, r.decided_by) for r in rows]
