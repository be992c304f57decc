"""Record, in the launch's provisioning transaction, the LTI Advantage services the platform offered:
the AGS endpoint (lineitem, lineitems, scopes) and the NRPS memberships URL. An instructor's launch
also enqueues a background roster refresh of the course."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from lti_tool.grades.models import DELIVERING, KIND_ROSTER, PENDING, LaunchServices, OutboxItem
from lti_tool.launch.message import LaunchMessage
from lti_tool.persistence.models import utcnow

AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
_ROSTER_ROLES = ("teacher", "admin")


def _url(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) <= 1024:
        return value
    return None


def _services(claims: dict[str, Any]) -> tuple[str | None, str | None, list[str], str | None]:
    ags = claims.get(AGS_ENDPOINT)
    ags = ags if isinstance(ags, dict) else {}
    nrps = claims.get(NRPS)
    nrps = nrps if isinstance(nrps, dict) else {}
    scopes = [s for s in ags.get("scope", []) if isinstance(s, str)] if isinstance(ags.get("scope"), list) else []
    return _url(ags.get("lineitem")), _url(ags.get("lineitems")), scopes, _url(nrps.get("context_memberships_url"))


def record_launch_services(session: Session, msg: LaunchMessage, account_id: int, course_id: int | None,
                           activity_id: int | None) -> None:
    lineitem, lineitems, scopes, memberships_url = _services(msg.claims)
    if activity_id is not None and (lineitem or lineitems or memberships_url):
        values = {"account_id": account_id, "activity_id": activity_id, "registration_id": msg.registration_id,
                  "lineitem": lineitem, "lineitems": lineitems, "ags_scopes": scopes,
                  "memberships_url": memberships_url, "updated_at": utcnow()}
        insert = pg_insert if session.connection().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(LaunchServices).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["account_id", "activity_id"],
            set_={name: stmt.excluded[name] for name in values if name not in ("account_id", "activity_id")},
        )
        session.execute(stmt)
    if msg.role in _ROSTER_ROLES and course_id is not None and memberships_url:
        enqueue_roster_refresh(session, msg.registration_id, course_id, memberships_url)


def enqueue_roster_refresh(session: Session, registration_id: int, course_id: int, url: str) -> bool:
    """One pending refresh per course is enough: a second instructor launch meanwhile adds nothing."""
    waiting = session.scalar(
        select(OutboxItem.id).where(OutboxItem.kind == KIND_ROSTER, OutboxItem.course_id == course_id,
                                    OutboxItem.status.in_((PENDING, DELIVERING))).limit(1)
    )
    if waiting is not None:
        return False
    session.add(OutboxItem(kind=KIND_ROSTER, registration_id=registration_id, course_id=course_id,
                           payload={"url": url}, status=PENDING, attempts=0, next_attempt_at=utcnow()))
    session.flush()
    return True
