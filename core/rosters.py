"""Course rosters: who a course's platform lists (NRPS, refreshed by the LTI grades worker), when it was last
fetched, and the roster read back for the teacher's dashboard, each member matched to an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.accounts import Account
from core.courses import Course
from core.db import Base, utcnow


class Roster(Base):
    """When a course's roster was last fetched from the platform (NRPS)."""

    __tablename__ = "grades_rosters"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    member_count: Mapped[int] = mapped_column(Integer, default=0)


class RosterMember(Base):
    """One member of a course as the platform lists it. `user_id` is the platform's `sub`; no email kept."""

    __tablename__ = "grades_roster_members"
    __table_args__ = (UniqueConstraint("course_id", "user_id", name="uq_grades_roster_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    given_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    family_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="Active")


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
