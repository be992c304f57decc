"""The certified score reaches a teacher's gradebook only for activities that opted in (custom parameter
`certification=score`), through `CertificationResultsPublished`, in the publishing transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from core import events
from core.events import CertificationResultsPublished, CertifiedCandidate
from lti_tool.grades.certification import certification_score, receives_certification
from lti_tool.grades.models import KIND_SCORE, OutboxItem
from tests.grades.conftest import World
from tests.lti.platform import LTI


def _custom(values: dict[str, str]) -> Any:
    def mutate(claims: dict[str, Any]) -> None:
        claims[LTI + "custom"] = values
    return mutate


def _published(*candidates: CertifiedCandidate) -> CertificationResultsPublished:
    return CertificationResultsPublished(session_id=1, session_number=1001, centre_id=7, centre_name="Collège",
                                         centre_uai=None, session_date=date(2026, 5, 12), version="v3",
                                         candidates=candidates, at=datetime(2026, 5, 13, tzinfo=UTC))


def _candidate(course_id: int, account_id: int | None, status: str = "validated",
               score: int | None = 512) -> CertifiedCandidate:
    return CertifiedCandidate(certification_course_id=course_id, account_id=account_id, first_name="Élodie",
                              last_name="Durand", birth_date=None, division="3e A", status=status, score=score,
                              global_level="independent" if status == "validated" else None,
                              competence_levels={"1.1": 4})


def _scores(world: World) -> int:
    with world.sessions()() as session:
        return session.scalar(select(func.count()).select_from(OutboxItem).where(OutboxItem.kind == KIND_SCORE))


def test_an_opted_in_activity_receives_the_certified_score(world: World) -> None:
    lineitem = world.platform.add_line_item("Certification Pix", 100)
    world.platform.enrol("eleve-1")
    account_id = world.launch("eleve-1", lineitem=lineitem, mutate=_custom({"certification": "score"}))
    rejected_id = world.launch("eleve-2", lineitem=lineitem, mutate=_custom({"certification": "score"}))
    with world.sessions()() as session, session.begin():
        events.publish(session, _published(_candidate(1, account_id), _candidate(2, rejected_id, "rejected", 0)))
    assert _scores(world) == 1
    world.drain()
    grade = world.platform.grade(lineitem, "eleve-1")
    assert grade is not None and grade.score_given == 512 * 100 / 895  # scaled to the line item, as Moodle does
    assert "512 pix sur 895" in grade.comment and "indépendant" in grade.comment
    assert world.platform.grade(lineitem, "eleve-2") is None


def test_an_activity_that_did_not_opt_in_receives_nothing(world: World) -> None:
    lineitem = world.platform.add_line_item("1.1", 6)
    account_id = world.launch("eleve-1", lineitem=lineitem)  # custom: competence=1.1
    with world.sessions()() as session, session.begin():
        events.publish(session, _published(_candidate(1, account_id)))
    assert _scores(world) == 0


def test_opting_in_and_the_score() -> None:
    assert receives_certification({"certification": "score"}) and receives_certification({"certification": "Oui"})
    assert not receives_certification({"competence": "1.1"}) and not receives_certification({"certification": ""})
    score = certification_score(512, "v3", "advanced", "en")
    assert (score.given, score.maximum) == (512.0, 895.0) and score.comment == ("Certification — 512 pix out of "
                                                                                "895 (level advanced)")
