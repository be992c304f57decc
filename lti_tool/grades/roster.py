"""Course rosters from the platform (NRPS), kept so the teacher sees who has not started yet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lti_tool.grades.ags_client import Member
from lti_tool.grades.models import Roster, RosterMember
from lti_tool.persistence.models import Account, Course, utcnow
from privacy.erased import erased_subs


def _without_erased(session: Session, course_id: int, members: Sequence[Member]) -> list[Member]:
    """Members whose account was erased (`pix-lti user delete`) are not stored again from the platform's list,
    unless they have opened the tool again since (a new account: their own choice)."""
    course = session.get(Course, course_id)
    if course is None:
        return list(members)
    erased = erased_subs(session, course.issuer, [m.user_id for m in members])
    if not erased:
        return list(members)
    returned = set(session.scalars(select(Account.sub).where(Account.issuer == course.issuer,
                                                              Account.sub.in_(erased))))
    return [m for m in members if m.user_id not in erased or m.user_id in returned]


def replace_roster(session: Session, course_id: int, members: Sequence[Member]) -> None:
    """The platform's list replaces the previous one whole, in one transaction (erased pupils left out)."""
    with session.begin():
        members = _without_erased(session, course_id, members)
        session.execute(delete(RosterMember).where(RosterMember.course_id == course_id))
        session.add_all(RosterMember(course_id=course_id, user_id=m.user_id, name=m.name, given_name=m.given_name,
                                     family_name=m.family_name, roles=list(m.roles), status=m.status)
                        for m in members)
        roster = session.get(Roster, course_id)
        if roster is None:
            session.add(Roster(course_id=course_id, fetched_at=utcnow(), member_count=len(members)))
        else:
            roster.fetched_at, roster.member_count = utcnow(), len(members)


@dataclass(frozen=True)
class RosterEntry:
    user_id: str  # the platform's `sub`
    name: str | None
    given_name: str | None
    family_name: str | None
    roles: tuple[str, ...]
    status: str
    account_id: int | None  # None: this member never opened the tool

    @property
    def is_learner(self) -> bool:
        return any(r.endswith("#Learner") or r == "Learner" for r in self.roles)

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        full = " ".join(p for p in (self.given_name, self.family_name) if p)
        return full or f"(utilisateur {self.user_id})"


@dataclass(frozen=True)
class CourseRoster:
    course_id: int
    fetched_at: datetime | None  # None: never fetched (no NRPS, or no instructor launch yet)
    members: list[RosterEntry]


def roster_for_course(session: Session, course_id: int) -> CourseRoster:
    """The course's last known roster, each member matched to the tool's account (issuer, sub) if any."""
    roster = session.get(Roster, course_id)
    course = session.get(Course, course_id)
    if roster is None or course is None:
        return CourseRoster(course_id, None, [])
    rows = session.execute(
        select(RosterMember, Account.id)
        .outerjoin(Account, (Account.issuer == course.issuer) & (Account.sub == RosterMember.user_id))
        .where(RosterMember.course_id == course_id)
        .order_by(RosterMember.family_name, RosterMember.given_name, RosterMember.name, RosterMember.user_id)
    ).all()
    members = [RosterEntry(m.user_id, m.name, m.given_name, m.family_name, tuple(m.roles or ()), m.status, account_id)
               for m, account_id in rows]
    return CourseRoster(course_id, roster.fetched_at, members)
