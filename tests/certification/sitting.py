"""A candidate's v3 test as the test day (issue 19's other half) stores it: the engine picks each challenge,
the candidate answers right with a given probability. Used by the finalisation tests and the benchmark."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from certification.finalisation import challenge_pool
from certification.models import CandidateRow, CertificationAnswerRow, CertificationCourseRow, IssueReportRow
from engine.answers import AnswerStatus
from engine.certification.records import CertificationRecord, CertificationVersion, EndReason
from engine.certification.v3 import next_challenge_v3
from engine.referential import Referential


def sit_v3(db: Session, referential: Referential, candidate: CandidateRow, session_date, started_at: datetime,  # type: ignore[no-untyped-def]
           right: float, answers: int = 32, end: EndReason | None = EndReason.COMPLETED, seed: str | None = None,
           alert_on: int | None = None) -> CertificationCourseRow:
    """Answer `answers` questions; `end` None leaves the test running. `alert_on`: the question (1-based) on
    which a live alert "image not displaying" is raised, answered wrong and validated."""
    pool = challenge_pool(referential)
    course = CertificationCourseRow(candidate_id=candidate.id, session_id=candidate.session_id,
                                    account_id=candidate.account_id, version="v3",
                                    seed=seed or f"seed-{candidate.id}", started_at=started_at)
    db.add(course)
    db.flush()
    record = CertificationRecord(CertificationVersion.V3, session_date, course.seed)
    rng = random.Random(course.seed)
    rows = []
    for position in range(1, answers + 1):
        challenge = next_challenge_v3(pool, record)
        if challenge is None:
            break
        status = AnswerStatus.OK if rng.random() < right and position != alert_on else AnswerStatus.KO
        record = record.with_answer(challenge.id, status)
        rows.append(CertificationAnswerRow(course_id=course.id, position=position, challenge_id=challenge.id,
                                           value="x", status=status.value,
                                           answered_at=started_at + timedelta(seconds=30 * position)))
        if position == alert_on:
            db.add(IssueReportRow(candidate_id=candidate.id, course_id=course.id, kind="alert",
                                  category="image_not_displaying", challenge_id=challenge.id,
                                  raised_at=started_at + timedelta(seconds=30 * position), resolution="validated"))
    db.add_all(rows)
    if end is not None:
        course.state, course.end_reason = "ended", end.value
        course.ended_at = started_at + timedelta(seconds=30 * len(rows) + 5)
    db.flush()
    return course
