"""Reading and locking the rows of the test day (the session tables' repository is `certification.repository`)."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import String, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from certification.models import (
    CandidateRow,
    CertificationAnswerRow,
    CertificationCourseRow,
    IssueReportRow,
    SessionRow,
)
from certification.test_day.clock import TestClock
from certification.test_day.models import ArrivalRow
from certification.test_day.progress import StoredAnswer, TestFacts, neutralised_from_alerts
from engine.certification.records import EndReason

OPEN = "created"  # the session state in which candidates take their test
ALERT = "alert"
FOCUS_OUT = "focus_out"
NOT_DISPLAYED = "not_displayed"
ALERT_KINDS = (FOCUS_OUT, NOT_DISPLAYED)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def lock_course(session: Session, candidate_id: int) -> CertificationCourseRow | None:
    """The candidate's course, locked for this transaction (PostgreSQL; SQLite serialises writers anyway)."""
    return session.scalar(select(CertificationCourseRow).where(CertificationCourseRow.candidate_id == candidate_id)
                          .with_for_update())


def course_of(session: Session, candidate_id: int) -> CertificationCourseRow | None:
    return session.scalar(select(CertificationCourseRow).where(CertificationCourseRow.candidate_id == candidate_id))


def arrival(session: Session, candidate_id: int) -> ArrivalRow | None:
    return session.get(ArrivalRow, candidate_id)


def stored_answers(session: Session, course_id: int) -> tuple[StoredAnswer, ...]:
    rows = session.execute(select(CertificationAnswerRow.challenge_id, CertificationAnswerRow.status)
                           .where(CertificationAnswerRow.course_id == course_id)
                           .order_by(CertificationAnswerRow.position)).all()
    return tuple(StoredAnswer(c, s) for c, s in rows)


def alerts_of_course(session: Session, course_id: int) -> Sequence[IssueReportRow]:
    return session.scalars(select(IssueReportRow).where(IssueReportRow.course_id == course_id,
                                                        IssueReportRow.kind == ALERT)
                           .order_by(IssueReportRow.id)).all()


@dataclass(frozen=True, slots=True)
class AlertFact:
    """A live alert as the candidate's pages need it (not the ORM row: read with the answers in one query)."""

    id: int
    category: str
    challenge_id: str | None
    resolution: str | None


def own_course(session: Session, candidate_id: int) -> tuple[CandidateRow, SessionRow, CertificationCourseRow] | None:
    """The candidate, their session and their course (locked for this transaction) in one round trip; None when
    there is no such candidate or their test has not started."""
    found = session.execute(
        select(CandidateRow, SessionRow, CertificationCourseRow)
        .join(SessionRow, SessionRow.id == CandidateRow.session_id)
        .join(CertificationCourseRow, CertificationCourseRow.candidate_id == CandidateRow.id)
        .where(CandidateRow.id == candidate_id)
        .with_for_update(of=CertificationCourseRow)).first()
    return None if found is None else (found[0], found[1], found[2])


def course_history(session: Session, course_id: int) -> tuple[tuple[StoredAnswer, ...], tuple[AlertFact, ...]]:
    """The course's answers (in order) and its live alerts, in one round trip (the answer path's hot read)."""
    answers = select(literal("answer").label("kind"), CertificationAnswerRow.position.label("n"),
                     CertificationAnswerRow.challenge_id.label("challenge_id"),
                     CertificationAnswerRow.status.label("a"), cast(null(), String).label("b")
                     ).where(CertificationAnswerRow.course_id == course_id)
    alerts = select(literal("alert"), IssueReportRow.id, IssueReportRow.challenge_id, IssueReportRow.category,
                    IssueReportRow.resolution).where(IssueReportRow.course_id == course_id,
                                                     IssueReportRow.kind == ALERT)
    rows = session.execute(union_all(answers, alerts).order_by("kind", "n")).all()
    return (tuple(StoredAnswer(r.challenge_id, r.a) for r in rows if r.kind == "answer"),
            tuple(AlertFact(r.n, r.a, r.challenge_id, r.b) for r in rows if r.kind == "alert"))


def facts_of(session: Session, course: CertificationCourseRow, candidate: CandidateRow, session_row: SessionRow,
             alerts: Sequence[IssueReportRow | AlertFact] | None = None,
             answers: tuple[StoredAnswer, ...] | None = None) -> TestFacts:
    alerts = alerts_of_course(session, course.id) if alerts is None else alerts
    return TestFacts(
        version=course.version, seed=course.seed, certification_date=session_row.date,
        answers=stored_answers(session, course.id) if answers is None else answers,
        neutralised=neutralised_from_alerts((a.challenge_id, a.resolution) for a in alerts),
        end_reason=course.end_reason, accessibility_adjustment=candidate.accessibility_adjustment,
        excluded_challenge_ids=frozenset(course.excluded_challenge_ids or ()),
        planned=tuple(_planned_id(p) for p in course.planned or ()),
    )


def _planned_id(item: object) -> str:
    if isinstance(item, list | tuple):  # [competence code, challenge id, profile level, profile pix]
        return str(item[1]) if len(item) > 1 else str(item[0])
    if isinstance(item, dict):
        return str(item.get("challenge_id", ""))
    return str(item)


def clock_of(course: CertificationCourseRow, candidate: CandidateRow, duration_minutes: int) -> TestClock:
    return TestClock(aware(course.started_at), candidate.extra_time_percent, course.extra_minutes,  # type: ignore[arg-type]
                     course.paused_seconds, aware(course.paused_at) if course.paused else None, duration_minutes)


def seen_in_earlier_certifications(session: Session, account_id: int) -> list[str]:
    """Challenges this pupil was asked in earlier certification tests: avoided while others remain."""
    rows = session.scalars(select(CertificationAnswerRow.challenge_id)
                           .join(CertificationCourseRow, CertificationCourseRow.id == CertificationAnswerRow.course_id)
                           .where(CertificationCourseRow.account_id == account_id)).all()
    return sorted(set(rows))


def next_position(session: Session, course_id: int) -> int:
    current = session.scalar(select(func.max(CertificationAnswerRow.position))
                             .where(CertificationAnswerRow.course_id == course_id))
    return (current or 0) + 1


def same_secret(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


def end_course(course: CertificationCourseRow, reason: EndReason, now: datetime) -> None:
    course.state = "ended"
    course.end_reason = reason.value
    course.ended_at = now
    course.paused = False
    course.paused_at = None
    course.current_challenge_id = None


def resume_clock(course: CertificationCourseRow, now: datetime) -> None:
    paused_at = aware(course.paused_at)
    if course.paused and paused_at is not None:
        course.paused_seconds += max(0, int((now - paused_at).total_seconds()))
    course.paused = False
    course.paused_at = None
