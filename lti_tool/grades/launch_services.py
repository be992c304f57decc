"""Record, in the launch's provisioning transaction, the LTI Advantage services the platform offered:
the AGS endpoint (lineitem, lineitems, scopes) and the NRPS memberships URL. An instructor's launch
also enqueues a background roster refresh of the course.

Only learners are graded: an instructor's AGS endpoint is not kept for scores (Moodle answers HTTP 400 to a
score for a teacher, and such a score could never be delivered), but it tells which column an activity
has, so that results obtained before the column existed are sent to it (`grades.backfill`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.db import utcnow
from lti_tool.grades.models import DELIVERING, KIND_ROSTER, PENDING, LaunchServices, OutboxItem
from lti_tool.launch.message import LaunchMessage

AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
_ROSTER_ROLES = ("teacher", "admin")
GRADED_ROLES = ("student",)


@dataclass(frozen=True)
class GradeColumn:
    """The AGS endpoint a launch carried for its activity."""

    registration_id: int
    lineitem: str | None
    lineitems: str | None
    scopes: list[str]

    @property
    def usable(self) -> bool:
        return bool(self.lineitem or self.lineitems) and SCOPE_SCORE in self.scopes


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


def grade_column(msg: LaunchMessage) -> GradeColumn:
    lineitem, lineitems, scopes, _ = _services(msg.claims)
    return GradeColumn(msg.registration_id, lineitem, lineitems, scopes)


def upsert_launch_services(session: Session, values: dict[str, Any]) -> None:
    insert = pg_insert if session.connection().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(LaunchServices).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["account_id", "activity_id"],
        set_={name: stmt.excluded[name] for name in values if name not in ("account_id", "activity_id")},
    )
    session.execute(stmt)


def record_launch_services(session: Session, msg: LaunchMessage, account_id: int, course_id: int | None,
                           activity_id: int | None, locale: str = "fr") -> bool:
    """Store what the launch offered. Returns True when it is this learner's first launch of this activity
    with a usable grade column (the moment to send a result obtained before)."""
    lineitem, lineitems, scopes, memberships_url = _services(msg.claims)
    graded = msg.role in GRADED_ROLES
    if not graded:
        lineitem = lineitems = None
    first = False
    if activity_id is not None and (lineitem or lineitems or memberships_url):
        if graded and (lineitem or lineitems) and SCOPE_SCORE in scopes:
            known = session.scalar(select(LaunchServices.id).where(
                LaunchServices.account_id == account_id, LaunchServices.activity_id == activity_id,
                (LaunchServices.lineitem.is_not(None)) | (LaunchServices.lineitems.is_not(None))))
            first = known is None
        upsert_launch_services(session, {
            "account_id": account_id, "activity_id": activity_id, "registration_id": msg.registration_id,
            "lineitem": lineitem, "lineitems": lineitems, "ags_scopes": scopes, "memberships_url": memberships_url,
            "locale": locale, "updated_at": utcnow()})
    if msg.role in _ROSTER_ROLES and course_id is not None and memberships_url:
        enqueue_roster_refresh(session, msg.registration_id, course_id, memberships_url)
    return first


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
