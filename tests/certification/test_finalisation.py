"""Finalisation: absentees, incidents with categories, automatic neutralisation, results by the engine, published
at once or after review with CertificationResultsPublished sent in the same transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from certification import centres, enrolment, repository
from certification.access import SessionCreators
from certification.errors import StaffRefusal
from certification.finalisation import FinalisationReport, ReportedIncident, finalise_session, publish_results
from certification.models import CandidateRow
from content_bank.loader import default_referential
from core import events
from core.events import CertificationResultsPublished
from engine.certification.records import CertificationVersion, EndReason, IncidentCategory
from tests.certification.school import SESSION_DAY, make_school
from tests.certification.sitting import sit_v3

REFERENTIAL = default_referential()
NOON = datetime(2026, 5, 4, 12, tzinfo=UTC)
AT_NINE = datetime(2026, 5, 4, 9, 5, tzinfo=UTC)


@pytest.fixture
def published() -> Iterator[list[CertificationResultsPublished]]:
    seen: list[CertificationResultsPublished] = []

    def handler(_db: Session, event: CertificationResultsPublished) -> None:
        seen.append(event)

    events.subscribe(CertificationResultsPublished, handler)
    yield seen
    events.REGISTRY.unsubscribe(CertificationResultsPublished, handler)


def _sitting_school(db: Session):  # type: ignore[no-untyped-def]
    school = make_school(db)
    enrolment.enrol_pupils(db, school.session_id, school.pupils, school.head)
    lea, hugo, ines = (repository.candidate_by_account(db, school.session_id, p) for p in school.pupils)
    sit_v3(db, REFERENTIAL, lea, SESSION_DAY, AT_NINE, right=0.8)
    sit_v3(db, REFERENTIAL, hugo, SESSION_DAY, AT_NINE, right=0.4, answers=25, end=None, alert_on=3)
    return school, lea, hugo, ines


def test_finalising_scores_every_test_and_publishes_automatically(sessions_: sessionmaker[Session],
                                                                 published: list) -> None:
    with sessions_.begin() as db:
        school, lea, hugo, ines = _sitting_school(db)
        results = finalise_session(db, REFERENTIAL, school.session_id, FinalisationReport(
            absent_candidate_ids=frozenset({ines.id}), examiner_comment="RAS"), school.head, NOON)
        assert len(results) == 2
        row = repository.session_by_id(db, school.session_id)
        assert (row.state, row.examiner_comment, row.finalised_by) == ("published", "RAS", school.head)
        assert ines.absent and not lea.absent
        by_candidate = {r.candidate_id: r for r in results}
        assert by_candidate[lea.id].status == "validated" and 0 < by_candidate[lea.id].score <= 895
        assert by_candidate[lea.id].global_level is not None and len(by_candidate[lea.id].competence_levels) == 16
        # Hugo left after 25 answers: ended as "candidate", completed by simulated skips, his alert neutralised
        hugo_course = repository.course_of_candidate(db, hugo.id)
        assert (hugo_course.state, hugo_course.end_reason) == ("ended", "candidate")
        assert by_candidate[hugo.id].status == "validated" and len(by_candidate[hugo.id].neutralised) == 1
    [event] = published
    assert (event.session_number, event.centre_uai, event.version, event.session_date) == (
        school.session_number, "0750001A", "v3", SESSION_DAY)
    assert sorted(c.last_name for c in event.candidates) == ["Bernard", "Martin"]
    assert all(c.division == "3A" and c.score is not None for c in event.candidates)


def test_an_incident_in_a_challenge_neutralises_it_when_its_answer_was_wrong(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        enrolment.enrol_pupils(db, school.session_id, school.pupils[:1], school.head)
        lea = repository.candidate_by_account(db, school.session_id, school.pupils[0])
        course = sit_v3(db, REFERENTIAL, lea, SESSION_DAY, AT_NINE, right=0.5)
        answers = repository.answers_of_course(db, course.id)
        wrong = next(a for a in answers if a.status == "ko")
        right = next(a for a in answers if a.status == "ok")
        [result] = finalise_session(db, REFERENTIAL, school.session_id, FinalisationReport(incidents=(
            ReportedIncident(lea.id, IncidentCategory.IMAGE_NOT_DISPLAYING, "image blanche", wrong.challenge_id),
            ReportedIncident(lea.id, IncidentCategory.WEBSITE_BLOCKED, "", right.challenge_id),
            ReportedIncident(lea.id, IncidentCategory.FRAUD, "téléphone"),
        )), school.head, NOON)
        assert result.neutralised == [wrong.challenge_id]
        reports = repository.issue_reports_of_candidate(db, lea.id)
        assert [(r.kind, r.category, r.comment) for r in reports] == [
            ("incident", "image_not_displaying", "image blanche"), ("incident", "website_blocked", ""),
            ("incident", "fraud", "téléphone")]


def test_review_keeps_results_until_a_manager_publishes(sessions_: sessionmaker[Session], published: list) -> None:
    with sessions_.begin() as db:
        school, lea, hugo, ines = _sitting_school(db)
        centres.change_settings(db, school.centre_id, centres.CentreSettings(
            "Collège", CertificationVersion.V3, SessionCreators.MANAGERS, "review"), school.head)
        finalise_session(db, REFERENTIAL, school.session_id, FinalisationReport(
            abort_reasons={hugo.id: EndReason.ABORTED_TECHNICAL}), school.head, NOON)
        assert repository.session_by_id(db, school.session_id).state == "finalised"
        assert ines.absent  # never started: absent
        assert published == []
        with pytest.raises(StaffRefusal) as refused:
            publish_results(db, school.session_id, school.teacher, NOON)
        assert refused.value.code == "forbidden"
        publish_results(db, school.session_id, school.head, NOON + timedelta(days=1))
        assert repository.session_by_id(db, school.session_id).state == "published"
        assert all(r.published_at is not None for r in repository.results_of_session(db, school.session_id))
        with pytest.raises(StaffRefusal) as refused:
            publish_results(db, school.session_id, school.head, NOON)
        assert refused.value.code == "bad_state"
    assert len(published) == 1


def test_finalisation_refusals_write_nothing(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school, lea, hugo, ines = _sitting_school(db)
        with pytest.raises(StaffRefusal) as refused:
            finalise_session(db, REFERENTIAL, school.session_id, FinalisationReport(), school.teacher, NOON)
        assert refused.value.code == "forbidden"
        with pytest.raises(StaffRefusal) as refused:  # Léa sat the test: she cannot be absent
            finalise_session(db, REFERENTIAL, school.session_id, FinalisationReport(
                absent_candidate_ids=frozenset({lea.id})), school.head, NOON)
        assert refused.value.code == "invalid"
        with pytest.raises(StaffRefusal) as refused:
            finalise_session(db, REFERENTIAL, school.session_id, FinalisationReport(
                incidents=(ReportedIncident(10_000, IncidentCategory.OTHER),)), school.head, NOON)
        assert refused.value.code == "unknown"
        assert repository.issue_reports_of_candidate(db, lea.id) == []
        assert not db.get(CandidateRow, ines.id).absent
        assert repository.session_by_id(db, school.session_id).state == "created"
