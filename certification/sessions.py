"""Creating, editing and deleting certification sessions (engine.md §9). Editing and deleting are allowed only
while nothing has started: the session is still "created" and no candidate's test has begun."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from certification import access, codes, repository
from certification.errors import ALREADY_STARTED, BAD_STATE, FORBIDDEN, INVALID, UNKNOWN, StaffRefusal
from certification.models import CentreRow, CertificationCourseRow, SessionRow

TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


class SessionState:
    CREATED = "created"
    FINALISED = "finalised"
    PUBLISHED = "published"


@dataclass(frozen=True)
class SessionDraft:
    date: date
    time: str  # "HH:MM"
    room: str
    examiner: str
    address: str = ""
    description: str = ""


def checked_draft(draft: SessionDraft) -> SessionDraft:
    """The draft with its texts trimmed; a StaffRefusal(invalid, detail=field) for the first wrong field."""
    if not TIME.fullmatch(draft.time):
        raise StaffRefusal(INVALID, 400, "time")
    room, examiner = draft.room.strip(), draft.examiner.strip()
    if not room or len(room) > 255:
        raise StaffRefusal(INVALID, 400, "room")
    if not examiner or len(examiner) > 255:
        raise StaffRefusal(INVALID, 400, "examiner")
    if len(draft.address) > 512:
        raise StaffRefusal(INVALID, 400, "address")
    if len(draft.description) > 2000:
        raise StaffRefusal(INVALID, 400, "description")
    return SessionDraft(draft.date, draft.time, room, examiner, draft.address.strip(), draft.description.strip())


def _unused_number(db: Session) -> int:
    for _ in range(100):
        number = codes.new_session_number()
        if repository.session_by_number(db, number) is None:
            return number
    raise RuntimeError("no free session number after 100 draws")  # 9.9 million numbers: never in practice


def create_session(db: Session, centre_id: int, draft: SessionDraft, by_account: int) -> SessionRow:
    centre = db.get(CentreRow, centre_id)
    if centre is None:
        raise StaffRefusal(UNKNOWN, 404)
    role = access.role_in_centre(db, by_account, centre)
    if role is None:
        raise StaffRefusal(UNKNOWN, 404)  # another centre's staff learn nothing of it
    if not access.may_create_sessions(centre, role):
        raise StaffRefusal(FORBIDDEN, 403)
    good = checked_draft(draft)
    row = SessionRow(centre_id=centre.id, number=_unused_number(db), date=good.date, time=good.time, room=good.room,
                     examiner=good.examiner, address=good.address or (centre.address or ""),
                     description=good.description, access_code=codes.new_access_code(),
                     invigilator_password=codes.new_invigilator_password(), version=centre.version,
                     state=SessionState.CREATED, created_by=by_account)
    db.add(row)
    db.flush()
    return row


def has_started(db: Session, session_id: int) -> bool:
    return bool(db.scalar(select(exists().where(CertificationCourseRow.session_id == session_id))))


def visible_session(db: Session, session_id: int, account_id: int) -> tuple[SessionRow, access.StaffRole]:
    """The session and the account's role in its centre; unknown for anyone else (no hint it exists)."""
    row = repository.session_by_id(db, session_id)
    role = None if row is None else access.role_for_session(db, account_id, row)
    if row is None or role is None:
        raise StaffRefusal(UNKNOWN, 404)
    return row, role


def _editable(db: Session, session_id: int, by_account: int) -> SessionRow:
    row, role = visible_session(db, session_id, by_account)
    centre = db.get(CentreRow, row.centre_id)
    if not (access.may_create_sessions(centre, role) or row.created_by == by_account):  # type: ignore[arg-type]
        raise StaffRefusal(FORBIDDEN, 403)
    if row.state != SessionState.CREATED:
        raise StaffRefusal(BAD_STATE, 409)
    if has_started(db, row.id):
        raise StaffRefusal(ALREADY_STARTED, 409)
    return row


def update_session(db: Session, session_id: int, draft: SessionDraft, by_account: int) -> SessionRow:
    row = _editable(db, session_id, by_account)
    good = checked_draft(draft)
    row.date, row.time, row.room, row.examiner = good.date, good.time, good.room, good.examiner
    row.address, row.description = good.address, good.description
    return row


def delete_session(db: Session, session_id: int, by_account: int) -> None:
    row = _editable(db, session_id, by_account)
    db.delete(row)
    db.flush()
