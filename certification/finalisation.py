"""Finalising a session and publishing its results (engine.md §9: created → finalised → published).

A manager of the centre marks the absentees, reports incidents per candidate (a category of the service, a
comment, the challenge concerned if any) and confirms. Tests still running are ended (the reason given for each,
"candidate" by default). Incidents that neutralise a challenge do so automatically (`records.apply_incidents`);
each test is scored by the engine (v3 or v2) and its result stored. Results are then published at once or after
a review, as the centre chose; publishing sends `core.events.CertificationResultsPublished` in the same
transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from certification import access, records_io, repository
from certification.errors import BAD_STATE, FORBIDDEN, INVALID, UNKNOWN, StaffRefusal
from certification.models import CandidateRow, CentreRow, IssueReportRow, ResultRow, SessionRow
from certification.sessions import SessionState, visible_session
from core.events import CertificationResultsPublished, CertifiedCandidate, publish
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG, CertificationConfig
from engine.certification.records import CertificationStatus, EndReason, IncidentCategory
from engine.certification.v2 import score_v2
from engine.certification.v3 import ChallengePool, score_v3
from engine.referential import Referential

MAX_COMMENT = 2000


@dataclass(frozen=True)
class ReportedIncident:
    candidate_id: int
    category: IncidentCategory
    comment: str = ""
    challenge_id: str | None = None


@dataclass(frozen=True)
class FinalisationReport:
    absent_candidate_ids: frozenset[int] = frozenset()
    incidents: Sequence[ReportedIncident] = ()
    # tests still running when the session is finalised: how each ended ("candidate" when not given)
    abort_reasons: Mapping[int, EndReason] = field(default_factory=dict)
    examiner_comment: str = ""


_POOLS: dict[tuple[int, str], tuple[Referential, ChallengePool]] = {}


def challenge_pool(referential: Referential, locale: str = "fr-fr") -> ChallengePool:
    """The v3 pool of a bank, built once per process (the referential is loaded once)."""
    key = (id(referential), locale)
    cached = _POOLS.get(key)
    if cached is None or cached[0] is not referential:
        cached = (referential, ChallengePool.build(referential, locale))
        _POOLS[key] = cached
    return cached[1]


def report_incident(db: Session, candidate_id: int, incident: ReportedIncident, by_account: int,
                    now: datetime) -> IssueReportRow:
    """Any staff member of the centre reports an incident for a candidate before finalisation."""
    candidate = repository.candidate(db, candidate_id)
    if candidate is None:
        raise StaffRefusal(UNKNOWN, 404)
    row, _role = visible_session(db, candidate.session_id, by_account)
    if row.state != SessionState.CREATED:
        raise StaffRefusal(BAD_STATE, 409)
    comment = incident.comment.strip()
    if len(comment) > MAX_COMMENT:
        raise StaffRefusal(INVALID, 400, "comment")
    course = repository.course_of_candidate(db, candidate.id)
    challenge_id = (incident.challenge_id or "").strip() or None
    if challenge_id is not None:
        answered = {a.challenge_id for a in repository.answers_of_course(db, course.id)} if course else set()
        if challenge_id not in answered:
            raise StaffRefusal(INVALID, 400, "challenge")
    report = IssueReportRow(candidate_id=candidate.id, course_id=course.id if course else None, kind="incident",
                            category=IncidentCategory(incident.category).value, comment=comment,
                            challenge_id=challenge_id, raised_at=now, reported_by=by_account)
    db.add(report)
    db.flush()
    return report


def withdraw_incident(db: Session, report_id: int, by_account: int) -> int:
    """Deletes an incident reported by staff (not a live alert) before finalisation; returns its session id."""
    report = db.get(IssueReportRow, report_id)
    candidate = None if report is None else repository.candidate(db, report.candidate_id)
    if report is None or candidate is None or report.kind != "incident":
        raise StaffRefusal(UNKNOWN, 404)
    row, _role = visible_session(db, candidate.session_id, by_account)
    if row.state != SessionState.CREATED:
        raise StaffRefusal(BAD_STATE, 409)
    db.delete(report)
    db.flush()
    return row.id


def _managed_session(db: Session, session_id: int, by_account: int | None) -> tuple[SessionRow, CentreRow]:
    """`by_account` None: the operator (CLI, admin door), who may act on any session."""
    if by_account is None:
        found = repository.session_by_id(db, session_id)
        if found is None:
            raise StaffRefusal(UNKNOWN, 404)
        row = found
    else:
        row, role = visible_session(db, session_id, by_account)
        if not access.may_manage_centre(role):
            raise StaffRefusal(FORBIDDEN, 403)
    centre = db.get(CentreRow, row.centre_id)
    assert centre is not None
    return row, centre


def finalise_session(db: Session, referential: Referential, session_id: int, report: FinalisationReport,
                     by_account: int, now: datetime,
                     config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> list[ResultRow]:
    row, centre = _managed_session(db, session_id, by_account)
    if row.state != SessionState.CREATED:
        raise StaffRefusal(BAD_STATE, 409)
    if len(report.examiner_comment) > MAX_COMMENT:
        raise StaffRefusal(INVALID, 400, "examiner_comment")
    candidates = {c.id: c for c in repository.candidates_of_session(db, row.id)}
    courses = {c.candidate_id: c for c in repository.courses_of_session(db, row.id)}
    for candidate_id in report.absent_candidate_ids:
        if candidate_id not in candidates:
            raise StaffRefusal(UNKNOWN, 404, f"candidate {candidate_id}")
        if candidate_id in courses:
            raise StaffRefusal(INVALID, 400, f"absent {candidate_id}")  # their test started: they came
    for incident in report.incidents:
        if incident.candidate_id not in candidates:
            raise StaffRefusal(UNKNOWN, 404, f"candidate {incident.candidate_id}")
        if len(incident.comment) > MAX_COMMENT:
            raise StaffRefusal(INVALID, 400, "comment")
    # nothing refused: now write
    for candidate in candidates.values():
        candidate.absent = candidate.id in report.absent_candidate_ids or candidate.id not in courses
    for incident in report.incidents:
        db.add(IssueReportRow(candidate_id=incident.candidate_id, course_id=getattr(
            courses.get(incident.candidate_id), "id", None), kind="incident", category=incident.category.value,
            comment=incident.comment.strip(), challenge_id=incident.challenge_id or None, raised_at=now,
            reported_by=by_account))
    for candidate_id, course in courses.items():
        if course.ended_at is None:
            course.ended_at = now
            course.end_reason = report.abort_reasons.get(candidate_id, EndReason.ABORTED_CANDIDATE).value
            course.state = "ended"
            course.paused = False
    db.flush()
    results = [_score(db, referential, row, candidates[cid], course, now, config) for cid, course in courses.items()]
    row.state = SessionState.FINALISED
    row.finalised_at, row.finalised_by = now, by_account
    row.examiner_comment = report.examiner_comment.strip() or None
    db.flush()
    if centre.publication == "automatic":
        _publish(db, row, centre, now)
    return results


def _score(db: Session, referential: Referential, row: SessionRow, candidate: CandidateRow, course,  # type: ignore[no-untyped-def]
           now: datetime, config: CertificationConfig) -> ResultRow:
    answers = repository.answers_of_course(db, course.id)
    reports = repository.issue_reports_of_candidate(db, candidate.id)
    record = records_io.record_of(course, candidate, row.date, answers, reports)
    result = repository.result_of_course(db, course.id) or ResultRow(course_id=course.id, candidate_id=candidate.id)
    if course.version == "v2":
        planned, profile = records_io.planned_of(course)
        v2 = score_v2(referential, planned, profile, record, config)
        result.status, result.score, result.reproducibility_rate = v2.status.value, v2.score, v2.reproducibility_rate
        result.global_level, result.capacity = None, None
        result.competence_levels = {m.competence_code: max(m.level, 0) for m in v2.marks}
    else:
        v3 = score_v3(challenge_pool(referential, record.locale), record, config)
        result.status, result.score, result.capacity = v3.status.value, v3.score, v3.capacity
        result.global_level = v3.global_level.value if v3.global_level else None
        result.competence_levels = dict(v3.competence_levels)
        result.reproducibility_rate = None
    result.neutralised = sorted(record.neutralised)
    result.computed_at = now
    db.add(result)
    return result


def publish_results(db: Session, session_id: int, by_account: int | None, now: datetime) -> None:
    """The review step: a manager (or the operator, `by_account` None) publishes a finalised session's results."""
    row, centre = _managed_session(db, session_id, by_account)
    if row.state != SessionState.FINALISED:
        raise StaffRefusal(BAD_STATE, 409)
    _publish(db, row, centre, now)


def _publish(db: Session, row: SessionRow, centre: CentreRow, now: datetime) -> None:
    row.state = SessionState.PUBLISHED
    row.published_at = now
    certified = []
    for result in repository.results_of_session(db, row.id):
        result.published_at = now
        candidate = db.get(CandidateRow, result.candidate_id)
        assert candidate is not None
        certified.append(CertifiedCandidate(
            certification_course_id=result.course_id, account_id=candidate.account_id,
            first_name=candidate.first_name, last_name=candidate.last_name, birth_date=candidate.birth_date,
            division=candidate.division, status=result.status,
            score=None if result.status == CertificationStatus.CANCELLED else result.score,
            global_level=result.global_level, competence_levels=dict(result.competence_levels or {}),
            comment=result.comment))
    db.flush()
    publish(db, CertificationResultsPublished(
        session_id=row.id, session_number=row.number, centre_id=centre.id, centre_name=centre.name,
        centre_uai=centre.uai, session_date=row.date, version=row.version,
        candidates=tuple(sorted(certified, key=lambda c: c.certification_course_id)), at=now))
