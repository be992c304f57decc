"""Who is staff of which certification centre, with which role (engine.md §9, issue 19).

- A school centre (UAI): accounts that logged in through the GAR with a staff profile in that school; direction
  (`National_dir`) is a manager, documentation and teachers are members.
- An LMS centre (a course): the course's LTI Administrators (managers) and Instructors (members).
- Anyone named explicitly in `certification_centre_staff` (by an admin), with the role given there.

Everything is read from the database, never only from the session's role: a pupil is staff of nothing, and the
staff of one centre see nothing of another. Who may create sessions is the centre's setting: managers only, or
every staff member.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from certification.models import CandidateRow, CentreRow, CentreStaffRow, SessionRow
from core.courses import Membership
from core.schools import GarProfile, GarSchool, GarSchoolMember

MANAGER_GAR_PROFILES = frozenset({"National_dir"})
STAFF_GAR_PROFILES = frozenset({"National_dir", "National_doc", "National_ens"})


class StaffRole(StrEnum):
    MANAGER = "manager"
    MEMBER = "member"


class SessionCreators(StrEnum):
    MANAGERS = "managers"
    STAFF = "staff"


@dataclass(frozen=True)
class StaffPlace:
    centre: CentreRow
    role: StaffRole


def _best(*roles: StaffRole | None) -> StaffRole | None:
    present = [r for r in roles if r is not None]
    if StaffRole.MANAGER in present:
        return StaffRole.MANAGER
    return StaffRole.MEMBER if present else None


def _gar_school_roles(session: Session, account_id: int) -> dict[str, StaffRole]:
    """UAI -> role, for schools where the account logged in through the GAR with a staff profile."""
    rows = session.execute(
        select(GarSchool.uai, GarProfile.profile_code)
        .join(GarSchoolMember, GarSchoolMember.school_id == GarSchool.id)
        .join(GarProfile, GarProfile.account_id == GarSchoolMember.account_id)
        .where(GarSchoolMember.account_id == account_id, GarProfile.role != "student"))
    roles: dict[str, StaffRole] = {}
    for uai, profile in rows:
        if profile not in STAFF_GAR_PROFILES:
            continue
        role = StaffRole.MANAGER if profile in MANAGER_GAR_PROFILES else StaffRole.MEMBER
        roles[uai] = _best(roles.get(uai), role)  # type: ignore[assignment]
    return roles


def _lti_course_roles(session: Session, account_id: int) -> dict[int, StaffRole]:
    """course id -> role, for courses where the account is an Administrator or an Instructor."""
    rows = session.execute(select(Membership.course_id, Membership.role).where(
        Membership.account_id == account_id, Membership.role.in_(("teacher", "admin"))))
    return {course_id: StaffRole.MANAGER if role == "admin" else StaffRole.MEMBER for course_id, role in rows}


def _explicit_roles(session: Session, account_id: int) -> dict[int, StaffRole]:
    rows = session.execute(select(CentreStaffRow.centre_id, CentreStaffRow.role)
                           .where(CentreStaffRow.account_id == account_id))
    return {centre_id: StaffRole(role) for centre_id, role in rows}


def staff_places(session: Session, account_id: int) -> list[StaffPlace]:
    """Every centre the account is staff of, with its role, by centre name."""
    schools = _gar_school_roles(session, account_id)
    courses = _lti_course_roles(session, account_id)
    explicit = _explicit_roles(session, account_id)
    if not (schools or courses or explicit):
        return []
    centres = session.scalars(select(CentreRow).where(
        CentreRow.uai.in_(list(schools)) | CentreRow.course_id.in_(list(courses))
        | CentreRow.id.in_(list(explicit))).order_by(CentreRow.name, CentreRow.id)).all()
    places = []
    for centre in centres:
        role = _best(schools.get(centre.uai or ""), courses.get(centre.course_id or -1), explicit.get(centre.id))
        if role is not None:
            places.append(StaffPlace(centre, role))
    return places


def role_in_centre(session: Session, account_id: int, centre: CentreRow) -> StaffRole | None:
    """The account's role in this centre, None when it is not staff of it."""
    explicit = session.scalar(select(CentreStaffRow.role).where(CentreStaffRow.centre_id == centre.id,
                                                                 CentreStaffRow.account_id == account_id))
    from_door: StaffRole | None = None
    if centre.uai is not None:
        from_door = _gar_school_roles(session, account_id).get(centre.uai)
    elif centre.course_id is not None:
        from_door = _lti_course_roles(session, account_id).get(centre.course_id)
    return _best(StaffRole(explicit) if explicit else None, from_door)


def may_create_sessions(centre: CentreRow, role: StaffRole | None) -> bool:
    if role is None:
        return False
    return role is StaffRole.MANAGER or centre.session_creators == SessionCreators.STAFF


def may_manage_centre(role: StaffRole | None) -> bool:
    """Settings of the centre, finalisation and publication: managers only."""
    return role is StaffRole.MANAGER


def role_for_session(session: Session, account_id: int, session_row: SessionRow) -> StaffRole | None:
    centre = session.get(CentreRow, session_row.centre_id)
    return None if centre is None else role_in_centre(session, account_id, centre)


def role_for_candidate(session: Session, account_id: int, candidate_id: int) -> StaffRole | None:
    candidate = session.get(CandidateRow, candidate_id)
    if candidate is None:
        return None
    session_row = session.get(SessionRow, candidate.session_id)
    return None if session_row is None else role_for_session(session, account_id, session_row)


def schools_where_manager(session: Session, account_id: int) -> Sequence[str]:
    """UAIs of the schools where the account may open a certification centre (GAR direction)."""
    return sorted(uai for uai, role in _gar_school_roles(session, account_id).items() if role is StaffRole.MANAGER)


def courses_where_staff(session: Session, account_id: int) -> dict[int, StaffRole]:
    """Courses where the account may open a certification centre (LTI Administrator or Instructor)."""
    return _lti_course_roles(session, account_id)
