"""Course rosters from the platform (NRPS), kept so the teacher sees who has not started yet."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.accounts import Account
from core.courses import Course
from core.db import utcnow
from core.rosters import Roster, RosterMember
from lti_tool.grades.ags_client import Member
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
