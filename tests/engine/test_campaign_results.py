"""Campaign results: mastery over target skills, per competence and domain, stages, badges, snapshot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from campaign_bank import campaign_referential

from engine.campaigns.results import campaign_result, read_snapshot, snapshot
from engine.campaigns.target_profile import (
    Badge,
    BadgeCriterion,
    Stage,
    TargetProfile,
    TargetProfileError,
    default_stages,
    skills_of_tubes,
    tubes_of_competences,
)
from engine.competence_test import LearnerRecord
from engine.knowledge import KnowledgeElement, KnowledgeSource, KnowledgeStatus
from engine.profile import build_profile

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REF = campaign_referential()


def ke(name: str, status: KnowledgeStatus = KnowledgeStatus.VALIDATED) -> KnowledgeElement:
    skill = REF.skills[name]
    pix = REF.pix_value(name) if status is KnowledgeStatus.VALIDATED else 0.0
    return KnowledgeElement(name, skill.competence_code, status, KnowledgeSource.DIRECT, pix, NOW)


def profile(**extra: object) -> TargetProfile:
    return TargetProfile("Recherche et mail", skills_of_tubes(REF, ["url", "mail"]), **extra)  # type: ignore[arg-type]


def test_target_skills_are_the_active_skills_of_the_chosen_tubes_in_referential_order() -> None:
    assert skills_of_tubes(REF, ["mail", "url"]) == ("@url1", "@url2", "@url3", "@url4", "@mail1", "@mail2", "@mail3")
    assert skills_of_tubes(REF, ["url"], max_level=2) == ("@url1", "@url2")
    assert set(tubes_of_competences(REF, ["1.1"])) == {"url", "moteur"}


def test_unknown_tubes_competences_and_empty_profiles_are_refused() -> None:
    with pytest.raises(TargetProfileError):
        skills_of_tubes(REF, ["nope"])
    with pytest.raises(TargetProfileError):
        tubes_of_competences(REF, ["9.9"])
    with pytest.raises(TargetProfileError):
        TargetProfile("vide", ())
    with pytest.raises(TargetProfileError):
        TargetProfile("x", ("@url1",), badges=(Badge("b", "B", (BadgeCriterion(50, frozenset({"@mail1"})),)),))


def test_mastery_rate_counts_validated_target_skills_only() -> None:
    state = {k.skill_name: k for k in (ke("@url1"), ke("@url2"), ke("@url3", KnowledgeStatus.INVALIDATED),
                                         ke("@mail1"), ke("@moteur1"))}
    result = campaign_result(REF, profile(), state)
    assert (result.validated, result.total) == (3, 7)
    assert result.mastery_percent == 42  # 3/7 = 42.86 %, rounded down
    assert [(m.code, m.validated, m.total) for m in result.competences] == [("1.1", 2, 4), ("2.1", 1, 3)]
    assert [(m.code, m.validated, m.total) for m in result.domains] == [("1", 2, 4), ("2", 1, 3)]


def test_full_mastery_is_100_percent_and_nothing_known_is_0() -> None:
    everything = {n: ke(n) for n in profile().skills}
    assert campaign_result(REF, profile(), everything).mastery_percent == 100
    assert campaign_result(REF, profile(), {}).mastery_percent == 0


def test_stages_by_threshold_reach_the_highest_threshold_met() -> None:
    stages = (Stage("Départ", threshold=0), Stage("Moitié", threshold=50), Stage("Tout", threshold=100))
    tp = profile(stages=stages)
    three = {n: ke(n) for n in ("@url1", "@url2", "@url3")}
    four = {**three, "@mail1": ke("@mail1")}
    assert campaign_result(REF, tp, {}).stage.stage.title == "Départ"  # type: ignore[union-attr]
    assert campaign_result(REF, tp, three).stage.index == 1  # type: ignore[union-attr]  # 3/7 < 50 %
    reached = campaign_result(REF, tp, four).stage
    assert reached is not None and (reached.index, reached.count, reached.stage.title) == (2, 3, "Moitié")


def test_stages_by_level_need_every_target_skill_up_to_that_level() -> None:
    tp = profile(stages=default_stages((0, 2, 4)))
    # level 2 stage needs as many validated skills as there are target skills of level <= 2 (4 of 7)
    three = {n: ke(n) for n in ("@url1", "@url2", "@mail1")}
    assert campaign_result(REF, tp, three).stage.index == 1  # type: ignore[union-attr]
    four = {**three, "@mail2": ke("@mail2")}
    assert campaign_result(REF, tp, four).stage.index == 2  # type: ignore[union-attr]


def test_no_stage_is_reached_below_the_first_threshold() -> None:
    tp = profile(stages=(Stage("Bon début", threshold=20),))
    assert campaign_result(REF, tp, {}).stage is None


def test_badges_are_earned_when_every_criterion_is_met() -> None:
    mail = frozenset({"@mail1", "@mail2", "@mail3"})
    badges = (Badge("mail", "Courriel", (BadgeCriterion(66, mail),)),
              Badge("expert", "Expert", (BadgeCriterion(80), BadgeCriterion(100, mail))))
    tp = profile(badges=badges)
    two_mails = {n: ke(n) for n in ("@mail1", "@mail2")}
    assert [b.key for b in campaign_result(REF, tp, two_mails).badges] == ["mail"]
    everything = {n: ke(n) for n in tp.skills}
    assert [b.key for b in campaign_result(REF, tp, everything).badges] == ["mail", "expert"]
    assert campaign_result(REF, tp, {}).badges == ()


def test_the_snapshot_reads_back_the_same_results_and_profile() -> None:
    tp = profile(stages=(Stage("Départ", threshold=0), Stage("Moitié", threshold=50)),
                 badges=(Badge("mail", "Courriel", (BadgeCriterion(60, frozenset({"@mail1", "@mail2"})),)),))
    elements = [ke(n) for n in ("@url1", "@url2", "@url3", "@mail1", "@mail2")]
    state = {k.skill_name: k for k in elements}
    result = campaign_result(REF, tp, state)
    prof = build_profile(REF, LearnerRecord(elements, ()), NOW)
    shared = read_snapshot(snapshot(result, prof))
    assert (shared.mastery_percent, shared.validated, shared.total) == (71, 5, 7)
    assert (shared.stage_index, shared.stage_count, shared.stage_title) == (2, 2, "Moitié")
    assert shared.badges == ("mail",)
    assert shared.competence_percent("1.1") == 75 and shared.competence_percent("2.1") == 66
    assert shared.domain_percent("1") == 75 and shared.competence_percent("3.1") is None
    assert shared.total_pix == prof.total_pix and shared.levels["1.1"] == (prof.scorecard("1.1").level,
                                                                          prof.scorecard("1.1").pix)
    assert shared.certifiable is False and shared.missing_competences == prof.certifiability.missing_competences


def test_a_profiles_collection_snapshot_has_the_profile_only() -> None:
    prof = build_profile(REF, LearnerRecord((), ()), NOW)
    shared = read_snapshot(snapshot(None, prof))
    assert shared.mastery_percent is None and shared.total_pix == 0 and shared.missing_competences == 5
