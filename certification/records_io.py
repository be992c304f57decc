"""From rows to the engine's `CertificationRecord` and back: one place that says how a test is stored.

- answers: `certification_answers` in `position` order, `status` an `engine.answers.AnswerStatus` value;
- end: `certification_courses.end_reason` (`records.EndReason` values) once `state` is "ended";
- neutralised challenges: those of the candidate's issue reports resolved "validated" (live alerts validated by
  the invigilator, jury decisions), then `records.apply_incidents` over every incident of the candidate;
- v2: `certification_courses.planned` lists `[competence code, challenge id, profile level, profile pix]` for
  each planned challenge (the profile of the competence as it was when the test started).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from certification.models import CandidateRow, CertificationAnswerRow, CertificationCourseRow, IssueReportRow
from engine.answers import AnswerStatus
from engine.certification.records import (
    CertificationAnswer,
    CertificationRecord,
    CertificationVersion,
    EndReason,
    Incident,
    IncidentCategory,
    apply_incidents,
)
from engine.certification.v2 import PlannedChallenge, ProfileCompetence

VALIDATED = "validated"
REFUSED = "refused"


def record_of(course: CertificationCourseRow, candidate: CandidateRow, session_date: date,
              answers: Sequence[CertificationAnswerRow], reports: Iterable[IssueReportRow] = ()) -> CertificationRecord:
    """The test as the engine sees it, with the neutralisations its validated reports and incidents give."""
    answered = {a.challenge_id for a in answers}
    reports = list(reports)
    neutralised = frozenset(r.challenge_id for r in reports
                            if r.resolution == VALIDATED and r.challenge_id in answered)
    record = CertificationRecord(
        version=CertificationVersion(course.version), certification_date=session_date, seed=course.seed,
        answers=tuple(CertificationAnswer(a.challenge_id, AnswerStatus(a.status)) for a in answers),
        end=EndReason(course.end_reason) if course.end_reason else None, neutralised=neutralised,
        accessibility_adjustment=candidate.accessibility_adjustment,
        excluded_challenge_ids=frozenset(course.excluded_challenge_ids or ()),
    )
    return apply_incidents(record, incidents_of(reports))


def incidents_of(reports: Iterable[IssueReportRow]) -> list[Incident]:
    """Incidents of the engine's categories, except those the invigilator or the jury refused."""
    known = {c.value for c in IncidentCategory}
    return [Incident(IncidentCategory(r.category), r.challenge_id) for r in reports
            if r.category in known and r.resolution != REFUSED]


def planned_of(course: CertificationCourseRow) -> tuple[list[PlannedChallenge], list[ProfileCompetence]]:
    """A v2 test's planned challenges and the profile they were planned from."""
    planned: list[PlannedChallenge] = []
    profile: dict[str, ProfileCompetence] = {}
    for code, challenge_id, level, pix in course.planned or ():
        planned.append(PlannedChallenge(str(code), str(challenge_id)))
        profile.setdefault(str(code), ProfileCompetence(str(code), int(level), int(pix)))
    return planned, list(profile.values())


def planned_json(planned: Sequence[PlannedChallenge], profile: Sequence[ProfileCompetence]) -> list[list]:
    by_code = {c.code: c for c in profile}
    return [[p.competence_code, p.challenge_id, by_code[p.competence_code].level, by_code[p.competence_code].pix]
            for p in planned]
