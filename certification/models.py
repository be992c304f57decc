"""SQLAlchemy models of certification (engine.md §9). Tables are prefixed `certification_`.

Later changes to these tables must stay additive (the test day, issue 19's other half, and certificates, issue
20, build on them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class CentreRow(Base):
    """A certification centre: a school (by its UAI, from the GAR or set by an admin) or an LMS organisation (the
    course a platform's administrators and instructors manage it from)."""

    __tablename__ = "certification_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "school" | "course"
    name: Mapped[str] = mapped_column(String(512))
    uai: Mapped[str | None] = mapped_column(String(8), unique=True, nullable=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), unique=True,
                                                  nullable=True)
    version: Mapped[str] = mapped_column(String(2), default="v3")  # "v3" | "v2"
    # who may create sessions: "managers" (direction / LMS administrators) or "staff" (every staff member)
    session_creators: Mapped[str] = mapped_column(String(16), default="managers")
    # results: "automatic" (published at finalisation) or "review" (a manager publishes them after a review)
    publication: Mapped[str] = mapped_column(String(16), default="automatic")
    address: Mapped[str | None] = mapped_column(String(512), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CentreStaffRow(Base):
    """A member of a centre's staff named explicitly (by an admin, or recorded at a GAR/LTI login). Role
    "manager" (direction, LMS administrator) or "member" (teacher, documentalist, instructor)."""

    __tablename__ = "certification_centre_staff"
    __table_args__ = (UniqueConstraint("centre_id", "account_id", name="uq_certification_centre_staff"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("certification_centres.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # "manager" | "member"
    source: Mapped[str] = mapped_column(String(8))  # "gar" | "lti" | "admin"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SessionRow(Base):
    """A certification session. `number` is the numeric session number candidates and the invigilator type;
    `access_code` (4 letters + 2 digits, §9) is given to candidates; `invigilator_password` (6 characters)
    opens the invigilator space. State: "created" → "finalised" → "published"."""

    __tablename__ = "certification_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("certification_centres.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    date: Mapped[date] = mapped_column(Date)
    time: Mapped[str] = mapped_column(String(5))  # "HH:MM", local time of the centre
    room: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(512), default="")
    examiner: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    access_code: Mapped[str] = mapped_column(String(6))
    invigilator_password: Mapped[str] = mapped_column(String(6))
    version: Mapped[str] = mapped_column(String(2), default="v3")  # the centre's version when it was created
    state: Mapped[str] = mapped_column(String(16), default="created")  # created | finalised | published
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finalised_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    examiner_comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # the session report's comment
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CandidateRow(Base):
    """A pupil enrolled in a session. `account_id` links the pupil's usual account (GAR or LTI), set at
    enrolment from a class or when a CSV-enrolled pupil identifies themself. `present`: confirmed by the
    invigilator; `absent`: marked at finalisation."""

    __tablename__ = "certification_candidates"
    __table_args__ = (
        UniqueConstraint("session_id", "account_id", name="uq_certification_candidate_account"),
        Index("ix_certification_candidates_account", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("certification_sessions.id", ondelete="CASCADE"),
                                            index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    first_name: Mapped[str] = mapped_column(String(255))
    last_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    division: Mapped[str | None] = mapped_column(String(255), nullable=True)  # class (GAR DIV or CSV column)
    extra_time_percent: Mapped[int] = mapped_column(Integer, default=0)
    accessibility_adjustment: Mapped[bool] = mapped_column(Boolean, default=False)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    present_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    absent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertificationCourseRow(Base):
    """One candidate's certification test (the service's "certification course"). The timer is the server's:
    the test ends at `started_at` + 105 min (+ extra time %) + `extra_minutes` + the time spent paused.
    State: "started" | "paused" | "awaiting_reentry" (the candidate left; the invigilator lets them back in)
    | "ended"."""

    __tablename__ = "certification_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("certification_candidates.id", ondelete="CASCADE"),
                                              unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("certification_sessions.id", ondelete="CASCADE"),
                                            index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)
    version: Mapped[str] = mapped_column(String(2))
    seed: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="started")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)  # records.EndReason values
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)  # total time spent paused, not counted
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)  # time added by the invigilator
    current_challenge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    current_challenge_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reentry_authorised: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # v2: the planned challenges [(competence, challenge id)]; v3: challenges seen in earlier certifications
    planned: Mapped[list] = mapped_column(JSON, default=list)
    excluded_challenge_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertificationAnswerRow(Base):
    """An answer of a certification test, in order (`position` from 1)."""

    __tablename__ = "certification_answers"
    __table_args__ = (
        UniqueConstraint("course_id", "challenge_id", name="uq_certification_answer_challenge"),
        UniqueConstraint("course_id", "position", name="uq_certification_answer_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("certification_courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    challenge_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # engine.answers.AnswerStatus values
    focused_out: Mapped[bool] = mapped_column(Boolean, default=False)
    time_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IssueReportRow(Base):
    """An alert raised during the test (kind "alert": the pupil left the page, a challenge did not display; the
    invigilator validates or refuses it) or an incident reported by staff (kind "incident", at the session or at
    finalisation). `category`: records.IncidentCategory values (or "focus_out" for an alert); `challenge_id`:
    the challenge concerned; `resolution`: "validated" | "refused" | None (pending)."""

    __tablename__ = "certification_issue_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("certification_candidates.id", ondelete="CASCADE"),
                                              index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("certification_courses.id", ondelete="CASCADE"),
                                                  nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "alert" | "incident"
    category: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    challenge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)


class ResultRow(Base):
    """A candidate's result computed by the engine at finalisation (`status`: records.CertificationStatus values;
    `global_level`: v3.GlobalLevel values; `competence_levels`: {"1.1": level}). Published with its session."""

    __tablename__ = "certification_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("certification_courses.id", ondelete="CASCADE"),
                                           unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("certification_candidates.id", ondelete="CASCADE"),
                                              index=True)
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    global_level: Mapped[str | None] = mapped_column(String(32), nullable=True)
    competence_levels: Mapped[dict] = mapped_column(JSON, default=dict)
    capacity: Mapped[float | None] = mapped_column(Float, nullable=True)  # v3: final θ
    reproducibility_rate: Mapped[float | None] = mapped_column(Float, nullable=True)  # v2
    neutralised: Mapped[list] = mapped_column(JSON, default=list)  # challenge ids neutralised
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # jury's comment shown to the school
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
