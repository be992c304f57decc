"""§3 knowledge elements: direct and inferred across a tube, latest wins, reset erases."""

from __future__ import annotations

import pytest
from bank_factory import T0, days, make_referential, tube

from engine.answers import AnswerStatus
from engine.knowledge import (
    KnowledgeElement,
    KnowledgeSource,
    KnowledgeStatus,
    assessed_skills,
    current_knowledge,
    knowledge_elements_for_answer,
    reset_elements,
)

V, INV, R = KnowledgeStatus.VALIDATED, KnowledgeStatus.INVALIDATED, KnowledgeStatus.RESET
DIRECT, INFERRED = KnowledgeSource.DIRECT, KnowledgeSource.INFERRED
URL = [f"@url{i}" for i in range(1, 7)]
MOTEUR = ["@moteur1", "@moteur2", "@moteur3"]


@pytest.fixture(scope="module")
def ref():
    return make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6]), tube("moteur", [1, 2, 3])]})


def answer(ref, skill, status, *, targets=None, assessed=(), when=T0):
    challenge = ref.challenges_of(skill)[0]
    return knowledge_elements_for_answer(referential=ref, challenge=challenge, status=status,
                                         target_skills=URL + MOTEUR if targets is None else targets,
                                         already_assessed=set(assessed), now=when, assessment_id="a1")


def summary(elements):
    return {(ke.skill_name, ke.status, ke.source) for ke in elements}


def ke(skill, status, when=T0, *, source=DIRECT, pix=4.0, competence="1.1"):
    return KnowledgeElement(skill, competence, status, source, pix if status is V else 0.0, when)


def test_ok_validates_the_skill_and_every_easier_skill_of_the_tube(ref):
    elements = answer(ref, "@url3", AnswerStatus.OK)
    assert summary(elements) == {("@url3", V, DIRECT), ("@url1", V, INFERRED), ("@url2", V, INFERRED)}


def test_ko_invalidates_the_skill_and_every_harder_skill_of_the_tube(ref):
    elements = answer(ref, "@url3", AnswerStatus.KO)
    assert summary(elements) == {("@url3", INV, DIRECT), ("@url4", INV, INFERRED), ("@url5", INV, INFERRED),
                                 ("@url6", INV, INFERRED)}


def test_direct_element_comes_first(ref):
    assert answer(ref, "@url4", AnswerStatus.OK)[0].skill_name == "@url4"


@pytest.mark.parametrize("status", [AnswerStatus.SKIPPED, AnswerStatus.TIMED_OUT, AnswerStatus.FOCUSED_OUT])
def test_every_status_other_than_ok_invalidates_like_a_ko(ref, status):
    elements = answer(ref, "@url5", status)
    assert summary(elements) == {("@url5", INV, DIRECT), ("@url6", INV, INFERRED)}


def test_inference_stays_inside_the_tube(ref):
    elements = answer(ref, "@url3", AnswerStatus.OK) + answer(ref, "@url1", AnswerStatus.KO)
    assert not {e.skill_name for e in elements} & set(MOTEUR)


def test_ok_on_the_easiest_skill_and_ko_on_the_hardest_infer_nothing(ref):
    assert summary(answer(ref, "@url1", AnswerStatus.OK)) == {("@url1", V, DIRECT)}
    assert summary(answer(ref, "@url6", AnswerStatus.KO)) == {("@url6", INV, DIRECT)}


def test_non_target_skills_are_not_inferred(ref):
    targets = ["@url2", "@url3", "@url4"]
    assert summary(answer(ref, "@url3", AnswerStatus.OK, targets=targets)) == {
        ("@url3", V, DIRECT), ("@url2", V, INFERRED)}
    assert summary(answer(ref, "@url3", AnswerStatus.KO, targets=targets)) == {
        ("@url3", INV, DIRECT), ("@url4", INV, INFERRED)}


def test_already_assessed_skills_are_not_inferred_again(ref):
    elements = answer(ref, "@url4", AnswerStatus.OK, assessed={"@url2"})
    assert summary(elements) == {("@url4", V, DIRECT), ("@url1", V, INFERRED), ("@url3", V, INFERRED)}
    elements = answer(ref, "@url2", AnswerStatus.KO, assessed={"@url5"})
    assert summary(elements) == {("@url2", INV, DIRECT), ("@url3", INV, INFERRED), ("@url4", INV, INFERRED),
                                 ("@url6", INV, INFERRED)}


def test_no_element_when_the_skill_is_not_a_target(ref):
    assert answer(ref, "@url3", AnswerStatus.OK, targets=["@url1", "@url2"]) == []


def test_no_element_when_the_skill_is_already_assessed(ref):
    assert answer(ref, "@url3", AnswerStatus.OK, assessed={"@url3"}) == []


def test_validated_elements_earn_the_skill_pix_and_invalidated_earn_nothing(ref):
    assert {e.earned_pix for e in answer(ref, "@url3", AnswerStatus.OK)} == {4.0}
    assert {e.earned_pix for e in answer(ref, "@url3", AnswerStatus.KO)} == {0.0}


def test_elements_record_assessment_challenge_competence_and_time(ref):
    challenge = ref.challenges_of("@url2")[0]
    for element in answer(ref, "@url2", AnswerStatus.OK, when=T0 + days(1)):
        assert element.assessment_id == "a1"
        assert element.challenge_id == challenge.id
        assert element.competence_code == "1.1"
        assert element.created_at == T0 + days(1)


def test_latest_element_wins():
    state = current_knowledge([ke("@url1", INV, T0), ke("@url1", V, T0 + days(1)), ke("@url2", V, T0)])
    assert state["@url1"].status is V
    state = current_knowledge([ke("@url1", V, T0), ke("@url1", INV, T0)])
    assert state["@url1"].status is INV  # same time: append order decides


def test_reset_erases_the_skill():
    state = current_knowledge([ke("@url1", V), ke("@url2", V), ke("@url1", R, T0 + days(8))])
    assert set(state) == {"@url2"}


def test_element_after_a_reset_counts_again():
    state = current_knowledge([ke("@url1", V), ke("@url1", R), ke("@url1", INV)])
    assert state["@url1"].status is INV


def test_reset_elements_cover_every_known_skill_of_the_competence_only():
    state = current_knowledge([ke("@url1", V), ke("@moteur2", INV), ke("@filler1x21", V, competence="1.2")])
    resets = reset_elements(state, "1.1", now=T0 + days(9))
    assert {(r.skill_name, r.status, r.earned_pix) for r in resets} == {("@url1", R, 0.0), ("@moteur2", R, 0.0)}
    assert all(r.created_at == T0 + days(9) for r in resets)


def test_assessed_skills_outside_a_retry_are_every_known_skill():
    state = current_knowledge([ke("@url1", V), ke("@url2", INV)])
    assert assessed_skills(state, now=T0 + days(30)) == {"@url1", "@url2"}


def test_retry_keeps_validated_skills_and_frees_invalidated_ones_older_than_4_days():
    state = current_knowledge([ke("@url1", V, T0), ke("@url2", INV, T0), ke("@url3", INV, T0 + days(3))])
    # now = T0 + 5 days: @url2 failed 5 days ago (freed), @url3 failed 2 days ago (kept)
    assert assessed_skills(state, now=T0 + days(5), improving=True) == {"@url1", "@url3"}
