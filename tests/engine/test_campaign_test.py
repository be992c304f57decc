"""The campaign test: smart-random over the target skills only, reusing known skills, completing when done."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from campaign_bank import KO, OK, campaign_referential

from engine.assessment import AssessmentType
from engine.campaigns.campaign_test import (
    answer_campaign_challenge,
    campaign_progress,
    start_campaign_test,
)
from engine.campaigns.participation import CampaignError, CampaignRefusal
from engine.campaigns.target_profile import skills_of_tubes
from engine.competence_test import LearnerRecord, Step
from engine.knowledge import KnowledgeElement, KnowledgeSource, KnowledgeStatus, current_knowledge

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REF = campaign_referential()
TARGETS = skills_of_tubes(REF, ["url", "mail"])


def run(record: LearnerRecord, answer: int = OK, *, participation: str = "p1", improving: bool = False,
        now: datetime = NOW) -> tuple[LearnerRecord, list[str]]:
    """Take the whole test answering `answer` every time; the record afterwards and the skills asked."""
    step = start_campaign_test(REF, record, TARGETS, participation_id=participation, now=now,
                               assessment_id=f"a-{participation}", seed="s", improving=improving)
    record = replace(record, assessments=(*record.assessments, step.assessment))
    asked = []
    while step.challenge is not None:
        asked.append(step.challenge.skill_name)
        step = answer_campaign_challenge(REF, record, step.assessment, step.challenge.id, answer, now=now)
        record = _apply(record, step)
    return record, asked


def _apply(record: LearnerRecord, step: Step) -> LearnerRecord:
    return replace(record, knowledge_elements=(*record.knowledge_elements, *step.new_knowledge_elements),
                   assessments=tuple(step.assessment if a.id == step.assessment.id else a for a in record.assessments))


def test_only_target_skills_are_asked_and_the_test_completes() -> None:
    record, asked = run(LearnerRecord((), ()))
    assert asked and set(asked) <= set(TARGETS)
    test = record.assessments[-1]
    assert test.type is AssessmentType.CAMPAIGN and test.campaign_participation_id == "p1" and test.is_completed
    state = current_knowledge(record.knowledge_elements)
    assert set(TARGETS) <= set(state)  # all right answers: every target skill validated (direct or inferred)
    assert all(state[n].is_validated for n in TARGETS)
    assert not {ke.skill_name for ke in record.knowledge_elements} - set(TARGETS)
    assert campaign_progress(record, TARGETS, "p1").percent == 100


def test_skills_the_profile_already_knows_are_not_asked_again() -> None:
    known = [KnowledgeElement(n, "2.1", KnowledgeStatus.VALIDATED, KnowledgeSource.DIRECT, 4.0, NOW - timedelta(days=1))
             for n in ("@mail1", "@mail2", "@mail3")]
    _, asked = run(LearnerRecord(tuple(known), ()))
    assert asked and not {n for n in asked if n.startswith("@mail")}


def test_a_profile_knowing_every_target_skill_completes_at_once() -> None:
    known = tuple(KnowledgeElement(n, REF.skills[n].competence_code, KnowledgeStatus.VALIDATED,
                                   KnowledgeSource.DIRECT, 1.0, NOW) for n in TARGETS)
    step = start_campaign_test(REF, LearnerRecord(known, ()), TARGETS, participation_id="p1", now=NOW,
                               assessment_id="a1", seed="s")
    assert step.challenge is None and step.assessment.is_completed


def test_starting_again_resumes_the_test_in_progress_and_a_completed_test_is_refused() -> None:
    record = LearnerRecord((), ())
    first = start_campaign_test(REF, record, TARGETS, participation_id="p1", now=NOW, assessment_id="a1", seed="s")
    record = replace(record, assessments=(first.assessment,))
    again = start_campaign_test(REF, record, TARGETS, participation_id="p1", now=NOW, assessment_id="a2", seed="t")
    assert again.assessment.id == "a1" and again.challenge == first.challenge
    done, _ = run(LearnerRecord((), ()))
    with pytest.raises(CampaignError) as error:
        start_campaign_test(REF, done, TARGETS, participation_id="p1", now=NOW, assessment_id="a3", seed="s")
    assert error.value.code == CampaignRefusal.ALREADY_COMPLETED


def test_a_new_attempt_after_4_days_asks_failed_skills_again() -> None:
    failed, first_asked = run(LearnerRecord((), ()), KO)
    assert all(not ke.is_validated for ke in current_knowledge(failed.knowledge_elements).values())
    _, too_soon = run(failed, OK, participation="p2", improving=True, now=NOW + timedelta(days=1))
    assert too_soon == []
    later, asked = run(failed, OK, participation="p3", improving=True, now=NOW + timedelta(days=5))
    assert asked
    state = current_knowledge(later.knowledge_elements)
    assert any(state[n].is_validated for n in TARGETS)
