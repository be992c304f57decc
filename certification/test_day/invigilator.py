"""The invigilator's use cases: open the space (session number + password, staff of the session's centre only),
the board of candidates with their live status, and the actions of the room: confirm presence, let a candidate
back in, pause / resume / end a test, validate or refuse a live alert, add time.

Every action names the session it is done from: a candidate or an alert of another session is unknown here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from certification import repository as repo
from certification.access import role_for_session
from certification.codes import normalised_code
from certification.models import (
    CandidateRow,
    CertificationAnswerRow,
    CertificationCourseRow,
    IssueReportRow,
    SessionRow,
)
from certification.test_day import rows
from certification.test_day.errors import TestDayError, TestDayRefusal
from certification.test_day.models import ArrivalRow
from certification.test_day.progress import neutralised_from_alerts
from engine.answers import AnswerStatus
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG, CertificationConfig
from engine.certification.records import EndReason

MAX_ADDED_MINUTES = 60


class LiveStatus(StrEnum):
    NOT_ARRIVED = "not_arrived"
    ARRIVED = "arrived"  # identity confirmed, presence not yet confirmed
    PRESENT = "present"  # confirmed, test not started
    IN_TEST = "in_test"
    PAUSED = "paused"
    AWAITING_REENTRY = "awaiting_reentry"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class AlertLine:
    alert_id: int
    kind: str
    question: int  # the question's number in the candidate's test


@dataclass(frozen=True, slots=True)
class CandidateLine:
    candidate_id: int
    last_name: str
    first_name: str
    division: str | None
    extra_time_percent: int
    accessibility_adjustment: bool
    status: LiveStatus
    answered: int
    length: int
    remaining_seconds: int | None
    reentry_authorised: bool
    alerts: tuple[AlertLine, ...]


@dataclass(frozen=True, slots=True)
class Board:
    session_id: int
    number: int
    date: date
    time: str
    room: str
    examiner: str
    access_code: str
    state: str
    lines: tuple[CandidateLine, ...]


def open_space(session: Session, account_id: int, number: int, password: str) -> int:
    """The session's id when the number and password are right and the account is staff of its centre."""
    row = repo.session_by_number(session, number)
    if row is None or not rows.same_secret(row.invigilator_password, normalised_code(password)):
        raise TestDayError(TestDayRefusal.WRONG_SESSION_OR_PASSWORD)
    if role_for_session(session, account_id, row) is None:
        raise TestDayError(TestDayRefusal.NOT_STAFF)
    return row.id


def require_staff(session: Session, account_id: int, session_id: int) -> SessionRow:
    """Every request of the space checks again that the account is staff of the session's centre."""
    row = repo.session_by_id(session, session_id)
    if row is None or role_for_session(session, account_id, row) is None:
        raise TestDayError(TestDayRefusal.NOT_STAFF)
    return row


def board(session: Session, session_id: int, *, now: datetime,
          config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> Board:
    """The candidate list with live statuses: five queries whatever the number of candidates."""
    row = repo.session_by_id(session, session_id)
    if row is None:
        raise TestDayError(TestDayRefusal.NOT_STAFF)
    candidates = repo.candidates_of_session(session, session_id)
    courses = {c.candidate_id: c for c in repo.courses_of_session(session, session_id)}
    arrived = set(session.scalars(select(ArrivalRow.candidate_id).join(
        CandidateRow, CandidateRow.id == ArrivalRow.candidate_id).where(CandidateRow.session_id == session_id)))
    counts: dict[int, int] = dict(session.execute(  # type: ignore[arg-type]
        select(CertificationAnswerRow.course_id, func.count()).join(
            CertificationCourseRow, CertificationCourseRow.id == CertificationAnswerRow.course_id)
        .where(CertificationCourseRow.session_id == session_id).group_by(CertificationAnswerRow.course_id)).all())
    alerts_by_course: dict[int, list[IssueReportRow]] = {}
    for alert in session.scalars(select(IssueReportRow).join(
            CertificationCourseRow, CertificationCourseRow.id == IssueReportRow.course_id)
            .where(CertificationCourseRow.session_id == session_id, IssueReportRow.kind == rows.ALERT)
            .order_by(IssueReportRow.id)):
        alerts_by_course.setdefault(alert.course_id or 0, []).append(alert)
    length = config.flash.maximum_length
    lines = []
    for candidate in candidates:
        course = courses.get(candidate.id)
        answered, remaining, pending, total = 0, None, (), length
        if course is not None:
            alerts = alerts_by_course.get(course.id, [])
            neutralised = neutralised_from_alerts((a.challenge_id, a.resolution) for a in alerts)
            answered = counts.get(course.id, 0) - len([c for c in neutralised])
            if course.version == "v2":  # a fixed plan: a neutralised challenge is not replaced, it is one less
                total = len(course.planned or ()) - len(neutralised)
            remaining = rows.clock_of(course, candidate, config.duration_minutes).remaining_seconds(now)
            pending = tuple(AlertLine(a.id, a.category, answered + 1) for a in alerts if a.resolution is None)
        lines.append(CandidateLine(
            candidate.id, candidate.last_name, candidate.first_name, candidate.division,
            candidate.extra_time_percent, candidate.accessibility_adjustment,
            _status(candidate, course, candidate.id in arrived, now, config), max(0, answered), total,
            remaining if course is not None and course.state != "ended" else None,
            bool(course and course.reentry_authorised), pending))
    return Board(row.id, row.number, row.date, row.time, row.room, row.examiner, row.access_code, row.state,
                 tuple(lines))


def _status(candidate: CandidateRow, course: CertificationCourseRow | None, arrived: bool, now: datetime,
            config: CertificationConfig) -> LiveStatus:
    if course is None:
        if candidate.present:
            return LiveStatus.PRESENT
        return LiveStatus.ARRIVED if arrived else LiveStatus.NOT_ARRIVED
    if course.state == "ended" or rows.clock_of(course, candidate, config.duration_minutes).is_up(now):
        return LiveStatus.FINISHED
    return {"paused": LiveStatus.PAUSED, "awaiting_reentry": LiveStatus.AWAITING_REENTRY}.get(
        course.state, LiveStatus.IN_TEST)


def _candidate(session: Session, session_id: int, candidate_id: int) -> CandidateRow:
    candidate = repo.candidate(session, candidate_id)
    if candidate is None or candidate.session_id != session_id:
        raise TestDayError(TestDayRefusal.UNKNOWN_CANDIDATE)
    return candidate


def _open(session: Session, session_id: int) -> None:
    row = repo.session_by_id(session, session_id)
    if row is None or row.state != rows.OPEN:
        raise TestDayError(TestDayRefusal.SESSION_CLOSED)


def _running_course(session: Session, candidate: CandidateRow) -> CertificationCourseRow:
    course = rows.lock_course(session, candidate.id)
    if course is None:
        raise TestDayError(TestDayRefusal.NOT_STARTED)
    if course.state == "ended":
        raise TestDayError(TestDayRefusal.TEST_ENDED)
    return course


def confirm_presence(session: Session, session_id: int, candidate_id: int, *, now: datetime) -> None:
    _open(session, session_id)
    candidate = _candidate(session, session_id, candidate_id)
    if not candidate.present:
        candidate.present = True
        candidate.present_at = now
        candidate.absent = False


def cancel_presence(session: Session, session_id: int, candidate_id: int) -> None:
    """A presence confirmed by mistake, before the candidate started."""
    _open(session, session_id)
    candidate = _candidate(session, session_id, candidate_id)
    if rows.course_of(session, candidate.id) is not None:
        raise TestDayError(TestDayRefusal.TEST_ENDED, "the test has started")
    candidate.present = False
    candidate.present_at = None


def authorise_reentry(session: Session, session_id: int, candidate_id: int) -> None:
    """Let a candidate who left come back: they find the same question and the same time left."""
    _open(session, session_id)
    course = _running_course(session, _candidate(session, session_id, candidate_id))
    if course.state == "awaiting_reentry":
        course.reentry_authorised = True


def pause(session: Session, session_id: int, candidate_id: int, *, now: datetime) -> None:
    _open(session, session_id)
    course = _running_course(session, _candidate(session, session_id, candidate_id))
    if course.state == "started":
        course.state = "paused"
        course.paused = True
        course.paused_at = now


def resume(session: Session, session_id: int, candidate_id: int, *, now: datetime) -> None:
    _open(session, session_id)
    course = _running_course(session, _candidate(session, session_id, candidate_id))
    if course.state == "paused":
        course.state = "started"
        rows.resume_clock(course, now)


def end_test(session: Session, session_id: int, candidate_id: int, reason: EndReason, *, now: datetime) -> None:
    """The invigilator ends a candidate's test: the candidate left (or cheated), or a technical problem."""
    if reason not in (EndReason.ABORTED_CANDIDATE, EndReason.ABORTED_TECHNICAL):
        raise TestDayError(TestDayRefusal.TEST_ENDED, "not a reason an invigilator gives")
    _open(session, session_id)
    course = _running_course(session, _candidate(session, session_id, candidate_id))
    rows.end_course(course, reason, now)


def add_time(session: Session, session_id: int, candidate_id: int, minutes: int) -> None:
    if not 1 <= minutes <= MAX_ADDED_MINUTES:
        raise TestDayError(TestDayRefusal.INVALID_TIME)
    _open(session, session_id)
    course = _running_course(session, _candidate(session, session_id, candidate_id))
    course.extra_minutes += minutes


def resolve_alert(session: Session, session_id: int, alert_id: int, *, validate: bool, account_id: int,
                  now: datetime) -> None:
    """Validate: the challenge is neutralised and the candidate gets another in its place (an unanswered one is
    recorded as skipped so that it is never asked again). Refuse: the question counts as answered."""
    alert = session.get(IssueReportRow, alert_id)
    if alert is None or alert.kind != rows.ALERT or alert.course_id is None:
        raise TestDayError(TestDayRefusal.UNKNOWN_ALERT)
    candidate = _candidate(session, session_id, alert.candidate_id)
    course = rows.lock_course(session, candidate.id)
    if course is None or course.id != alert.course_id:
        raise TestDayError(TestDayRefusal.UNKNOWN_ALERT)
    if alert.resolution is not None:
        return
    alert.resolution = "validated" if validate else "refused"
    alert.resolved_at = now
    alert.resolved_by = account_id
    if not validate or course.state == "ended" or not alert.challenge_id:
        return
    answered = session.scalar(select(CertificationAnswerRow.id).where(
        CertificationAnswerRow.course_id == course.id, CertificationAnswerRow.challenge_id == alert.challenge_id))
    if answered is None:
        session.add(CertificationAnswerRow(course_id=course.id, position=rows.next_position(session, course.id),
                                           challenge_id=alert.challenge_id, value="",
                                           status=AnswerStatus.SKIPPED.value, focused_out=False, answered_at=now))
    if course.current_challenge_id == alert.challenge_id:
        course.current_challenge_id = None
        course.current_challenge_at = None
    session.flush()


def pending_alert_ids(lines: Sequence[CandidateLine]) -> list[int]:
    return [a.alert_id for line in lines for a in line.alerts]
