"""Challenge statuses decide where a challenge may appear (issue 16): only validated ones are
proposed; an archived challenge's answers still score; a draft is never proposed."""

from __future__ import annotations

import pytest
from bank_factory import T0, make_referential, qcu, skill, tube

from engine.competence_test import LearnerRecord, answer_challenge, scorecard, start_competence_test
from engine.content_schema import ContentBankError
from engine.knowledge import KnowledgeStatus


def bank(first_status: str):  # type: ignore[no-untyped-def]
    """1.1 with one tube at level 1 only, so the test's first challenge is one of @url1's."""
    return make_referential({"1.1": [tube("url", skills=[skill(1, [
        qcu("url-1-a", status=first_status), qcu("url-1-b"), qcu("url-1-draft", status="draft"),
    ])])]})


def test_a_draft_or_archived_challenge_is_never_proposed():
    ref = bank("archived")
    shown = {start_competence_test(ref, LearnerRecord((), (), frozenset()), "1.1", now=T0, assessment_id=f"a{i}",
                                   seed=f"s{i}").challenge.id for i in range(40)}
    assert shown == {"url-1-b"}


def test_an_answer_to_a_challenge_archived_since_it_was_shown_still_scores():
    before, after = bank("validated"), bank("archived")
    record = LearnerRecord((), (), frozenset())
    step = next(s for s in (start_competence_test(before, record, "1.1", now=T0, assessment_id="a1", seed=f"s{i}")
                            for i in range(40)) if s.challenge.id == "url-1-a")
    record = LearnerRecord(step.new_knowledge_elements, (step.assessment,), frozenset())
    # the bank is updated between the display and the answer: url-1-a is now archived
    answered = answer_challenge(after, record, step.assessment, "url-1-a", 1, now=T0)
    assert answered.status.is_ok
    assert [(e.skill_name, e.status) for e in answered.new_knowledge_elements] == [("@url1", KnowledgeStatus.VALIDATED)]
    record = LearnerRecord(answered.new_knowledge_elements, (answered.assessment,), frozenset({"url-1-a"}))
    assert scorecard(after, record, "1.1", T0).pix == int(after.pix_value("@url1")) > 0


def test_an_active_skill_needs_a_validated_challenge():
    with pytest.raises(ContentBankError) as info:
        make_referential({"1.1": [tube("url", skills=[skill(1, [qcu("u-a", status="archived"),
                                                                 qcu("u-b", status="draft")])])]})
    assert any("no validated challenge" in p.reason for p in info.value.problems)


def test_an_unknown_status_is_refused():
    with pytest.raises(ContentBankError) as info:
        make_referential({"1.1": [tube("url", skills=[skill(1, [qcu("u-a"), qcu("u-b", status="brouillon")])])]})
    assert any("unknown status 'brouillon'" in p.reason for p in info.value.problems)


def test_simulation_can_be_limited_to_some_competences():
    from engine.simulation import simulate

    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6])]})  # other competences: level 1 only
    only_11 = simulate(ref, "smart-random", 30, 5, competences=("1.1",))
    everywhere = simulate(ref, "smart-random", 30, 5)
    assert only_11.learners == everywhere.learners == 30
    assert only_11.mean_questions > everywhere.mean_questions  # 1.1 is the only competence with 6 levels
