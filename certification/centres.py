"""Opening a certification centre and changing its settings.

A school centre is opened by its direction (GAR `National_dir`) or an administrator; an LMS centre by an
Administrator or an Instructor of its course, who becomes its manager (named in `certification_centre_staff`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from certification import access, repository
from certification.access import SessionCreators, StaffRole
from certification.errors import (
    CENTRE_EXISTS,
    FORBIDDEN,
    INVALID,
    PERSON_AMBIGUOUS,
    PERSON_UNKNOWN,
    UNKNOWN,
    StaffRefusal,
)
from certification.models import CentreRow, CentreStaffRow
from core.accounts import Account
from core.courses import Course
from core.schools import GAR_ISSUER
from engine.certification.records import CertificationVersion

UAI = re.compile(r"[0-9]{7}[A-Z]")
PUBLICATIONS = ("automatic", "review")


@dataclass(frozen=True)
class CentreSettings:
    name: str
    version: CertificationVersion
    session_creators: SessionCreators
    publication: str  # "automatic" | "review"
    address: str | None = None


def check_uai(uai: str) -> str:
    value = uai.strip().upper()
    if not UAI.fullmatch(value):
        raise StaffRefusal(INVALID, 400, "uai")
    return value


def open_school_centre(session: Session, uai: str, name: str, by_account: int | None) -> CentreRow:
    """A school's centre. `by_account` None: an administrator (checked by the admin door)."""
    value = check_uai(uai)
    if by_account is not None and value not in access.schools_where_manager(session, by_account):
        raise StaffRefusal(FORBIDDEN, 403)
    if repository.centre_by_uai(session, value) is not None:
        raise StaffRefusal(CENTRE_EXISTS, 409)
    centre = CentreRow(kind="school", uai=value, name=(name.strip() or f"Établissement {value}")[:512])
    session.add(centre)
    session.flush()
    return centre


def open_course_centre(session: Session, course_id: int, by_account: int | None) -> CentreRow:
    course = session.get(Course, course_id)
    if course is None:
        raise StaffRefusal(UNKNOWN, 404)
    if by_account is not None and course_id not in access.courses_where_staff(session, by_account):
        raise StaffRefusal(FORBIDDEN, 403)
    if repository.centre_by_course(session, course_id) is not None:
        raise StaffRefusal(CENTRE_EXISTS, 409)
    centre = CentreRow(kind="course", course_id=course_id,
                       name=(course.title or course.label or course.context_id or f"Cours {course_id}")[:512])
    session.add(centre)
    session.flush()
    if by_account is not None:
        session.add(CentreStaffRow(centre_id=centre.id, account_id=by_account, role=StaffRole.MANAGER, source="lti"))
    return centre


def change_settings(session: Session, centre_id: int, settings: CentreSettings, by_account: int | None) -> CentreRow:
    centre = repository.centre(session, centre_id)
    if centre is None:
        raise StaffRefusal(UNKNOWN, 404)
    if by_account is not None and not access.may_manage_centre(access.role_in_centre(session, by_account, centre)):
        raise StaffRefusal(FORBIDDEN, 403)
    name = settings.name.strip()
    if not name or len(name) > 512:
        raise StaffRefusal(INVALID, 400, "name")
    if settings.publication not in PUBLICATIONS:
        raise StaffRefusal(INVALID, 400, "publication")
    centre.name = name
    centre.version = CertificationVersion(settings.version).value
    centre.session_creators = SessionCreators(settings.session_creators).value
    centre.publication = settings.publication
    centre.address = (settings.address or "").strip()[:512] or None
    return centre


def name_staff(session: Session, centre_id: int, account_id: int, role: StaffRole, source: str = "admin") -> None:
    """Name (or re-role) a staff member explicitly."""
    row = repository.staff_row(session, centre_id, account_id)
    if row is None:
        session.add(CentreStaffRow(centre_id=centre_id, account_id=account_id, role=StaffRole(role).value,
                                   source=source))
    else:
        row.role = StaffRole(role).value


@dataclass(frozen=True)
class StaffMember:
    account_id: int
    name: str
    issuer: str
    identifier: str  # the platform's `sub`, or the GAR IDO
    role: StaffRole
    source: str  # "gar" | "lti" | "admin"


def named_staff(session: Session, centre_id: int) -> list[StaffMember]:
    """The people named in `certification_centre_staff` for this centre (GAR and LTI roles also make staff, read
    at each request: they are not listed here)."""
    rows = session.execute(select(CentreStaffRow, Account).join(Account, Account.id == CentreStaffRow.account_id)
                           .where(CentreStaffRow.centre_id == centre_id).order_by(Account.family_name, Account.id))
    return [StaffMember(a.id, a.name or " ".join(p for p in (a.given_name, a.family_name) if p) or "—", a.issuer,
                        a.sub, StaffRole(s.role), s.source) for s, a in rows]


def find_person(session: Session, identifier: str, issuer: str = "") -> int:
    """The account of a GAR identity (IDO) or an LTI one (`sub`, with the platform's issuer when several platforms
    know the same `sub`). No e-mail: the tool never stores one (minimisation, README "Personal data")."""
    identifier, issuer = identifier.strip(), issuer.strip()
    if not identifier or len(identifier) > 255 or len(issuer) > 512:
        raise StaffRefusal(INVALID, 400, "identifier")
    query = select(Account.id).where(Account.sub == identifier)
    if issuer:
        query = query.where(Account.issuer == (GAR_ISSUER if issuer.lower() == "gar" else issuer))
    found = list(session.scalars(query.limit(2)))
    if not found:
        raise StaffRefusal(PERSON_UNKNOWN, 404)
    if len(found) > 1:
        raise StaffRefusal(PERSON_AMBIGUOUS, 409)
    return found[0]


def remove_staff(session: Session, centre_id: int, account_id: int) -> None:
    """Remove a person named for this centre (what their GAR or LTI roles give them stays)."""
    row = repository.staff_row(session, centre_id, account_id)
    if row is None:
        raise StaffRefusal(UNKNOWN, 404)
    session.delete(row)
    session.flush()
