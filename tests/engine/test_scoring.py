"""§2 pix values, §4 scores and levels, §6 remaining days, §8 certifiability."""

from __future__ import annotations

import pytest
from bank_factory import T0, days, make_referential, skill, tube

from engine.config import EngineConfig
from engine.knowledge import KnowledgeElement, KnowledgeSource, KnowledgeStatus, current_knowledge
from engine.scoring import (
    Scorecard,
    ScorecardStatus,
    build_scorecard,
    certifiability,
    competence_pix,
    level_for_pix,
    remaining_days,
    total_pix,
)


@pytest.fixture(scope="module")
def ref():
    # competence 1.1: level 1 → one skill; level 2 → two skills; level 3 → three skills (+ one retired)
    return make_referential({"1.1": [
        tube("alpha", [1, 2, 3]),
        tube("beta", skills=[skill(2, tube="beta"), skill(3, tube="beta"), skill(4, tube="beta", status="retired")]),
        tube("gamma", [3, 4]),
    ]})


# -- pix value per skill (§2) ------------------------------------------------------------------------

def test_a_level_with_a_single_skill_is_worth_4(ref):
    assert ref.pix_value("@alpha1") == 4


def test_two_skills_at_a_level_are_worth_4_each(ref):
    assert ref.pix_value("@alpha2") == ref.pix_value("@beta2") == 4


def test_three_skills_at_a_level_share_8_pix(ref):
    for name in ("@alpha3", "@beta3", "@gamma3"):
        assert ref.pix_value(name) == pytest.approx(8 / 3)


def test_retired_skills_are_worth_nothing_and_do_not_count(ref):
    assert ref.pix_value("@beta4") == 0
    assert ref.pix_value("@gamma4") == 4  # the only active level-4 skill


def test_four_skills_at_a_level_are_worth_2_each():
    ref = make_referential({"1.1": [tube(n, [1]) for n in ("a", "b", "c", "d")]})
    assert {ref.pix_value(f"@{n}1") for n in "abcd"} == {2}


# -- competence pix and level (§4) --------------------------------------------------------------------

def test_competence_pix_is_the_floor_of_the_sum():
    assert competence_pix([4, 8 / 3]) == 6
    assert competence_pix([8 / 3, 8 / 3]) == 5
    assert competence_pix([8 / 3, 8 / 3, 8 / 3]) == 8  # not 7 because of floating point
    assert competence_pix([]) == 0


def test_competence_pix_is_capped_at_8_times_the_max_reachable_level():
    assert competence_pix([4] * 15) == 48
    assert competence_pix([4] * 15, EngineConfig(max_reachable_level=5)) == 40
    assert competence_pix([4] * 20, EngineConfig(max_reachable_level=8)) == 64


@pytest.mark.parametrize(("pix", "level"), [(0, 0), (7, 0), (8, 1), (15, 1), (16, 2), (39, 4), (47, 5), (48, 6)])
def test_level_is_pix_divided_by_8(pix, level):
    assert level_for_pix(pix) == level


def test_level_is_capped_at_the_max_reachable_level():
    assert level_for_pix(56) == 6
    assert level_for_pix(48, EngineConfig(max_reachable_level=5)) == 5
    assert level_for_pix(56, EngineConfig(max_reachable_level=7)) == 7


def test_max_reachable_level_must_be_within_1_and_8():
    with pytest.raises(ValueError):
        EngineConfig(max_reachable_level=9)
    with pytest.raises(ValueError):
        EngineConfig(max_reachable_level=0)


# -- scorecards ---------------------------------------------------------------------------------------

def ke(name, status=KnowledgeStatus.VALIDATED, when=T0, pix=4.0, competence="1.1"):
    earned = pix if status is KnowledgeStatus.VALIDATED else 0.0
    return KnowledgeElement(name, competence, status, KnowledgeSource.DIRECT, earned, when)


def card(ref, elements, now=T0, **kw):
    params = {"test_in_progress": False, "test_completed": True, "last_activity": None}
    params.update(kw)
    return build_scorecard(ref, "1.1", current_knowledge(elements), now=now, **params)


def test_scorecard_sums_validated_skills_only(ref):
    # alpha1 (4) + alpha2 (4) + alpha3 (8/3) validated, beta2 invalidated → floor(10.67) = 10
    sc = card(ref, [ke("@alpha1"), ke("@alpha2"), ke("@alpha3", pix=8 / 3),
                    ke("@beta2", KnowledgeStatus.INVALIDATED)])
    assert (sc.pix, sc.level, sc.pix_ahead_of_level, sc.pix_to_next_level) == (10, 1, 2, 6)
    assert sc.exact_pix == pytest.approx(32 / 3)


def test_scorecard_ignores_other_competences(ref):
    sc = card(ref, [ke("@alpha1"), ke("@filler1x21", competence="1.2")])
    assert sc.pix == 4


def test_scorecard_pix_mod_8_at_an_exact_level(ref):
    sc = card(ref, [ke("@alpha1"), ke("@alpha2")])
    assert (sc.pix, sc.level, sc.pix_ahead_of_level, sc.pix_to_next_level) == (8, 1, 0, 8)


def test_scorecard_status(ref):
    assert card(ref, [], test_completed=False).status is ScorecardStatus.NOT_STARTED
    assert card(ref, [], test_completed=False, test_in_progress=True).status is ScorecardStatus.STARTED
    assert card(ref, [ke("@alpha1")], test_completed=True).status is ScorecardStatus.COMPLETED


def test_scorecard_after_a_reset_is_back_to_zero(ref):
    sc = card(ref, [ke("@alpha1"), ke("@alpha1", KnowledgeStatus.RESET, T0 + days(8))], test_completed=False,
              now=T0 + days(8))
    assert (sc.pix, sc.level, sc.status) == (0, 0, ScorecardStatus.NOT_STARTED)


def test_scorecard_remaining_days_count_from_the_last_activity(ref):
    sc = card(ref, [ke("@alpha1", when=T0), ke("@alpha2", when=T0 + days(1))], now=T0 + days(3))
    # last activity T0+1; 2 days elapsed: reset in ceil(7-2)=5, retry in ceil(4-2)=2
    assert (sc.remaining_days_before_reset, sc.remaining_days_before_improving) == (5, 2)
    assert not sc.is_resettable and not sc.is_improvable


def test_scorecard_is_resettable_and_improvable_after_the_delays(ref):
    sc = card(ref, [ke("@alpha1", when=T0)], now=T0 + days(7))
    assert sc.is_resettable and sc.is_improvable


def test_total_is_the_sum_of_capped_competence_pix(ref):
    def sc(code, pix):
        return Scorecard(code, code, code[0], pix, pix, pix // 8, pix % 8, ScorecardStatus.COMPLETED, 0, 0, 6)
    assert total_pix([sc("1.1", 48), sc("1.2", 13), sc("1.3", 0)]) == 61


# -- remaining days (§6) -------------------------------------------------------------------------------

@pytest.mark.parametrize(("elapsed", "expected"), [
    (days(0), 7), (days(2.5), 5), (days(6.1), 1), (days(6) + days(23.9 / 24), 1), (days(7), 0),
    (days(10), 0), (days(365), 0),
])
def test_remaining_days_is_the_ceiling_never_below_zero(elapsed, expected):
    assert remaining_days(T0, 7, T0 + elapsed) == expected


def test_remaining_days_without_activity_is_zero():
    assert remaining_days(None, 7, T0) == 0


# -- certifiability (§8) --------------------------------------------------------------------------------

def cards_at_levels(levels):
    return [Scorecard(f"{i}", "c", "1", lvl * 8 + 3, lvl * 8 + 3, lvl, 3, ScorecardStatus.COMPLETED, 0, 0, 6)
            for i, lvl in enumerate(levels)]


@pytest.mark.parametrize(("levels", "certifiable", "reached", "missing"), [
    ([], False, 0, 5),
    ([0] * 16, False, 0, 5),
    ([1, 1, 1, 1] + [0] * 12, False, 4, 1),
    ([1, 2, 3, 0, 0], False, 3, 2),
    ([1, 1, 1, 1, 1] + [0] * 11, True, 5, 0),
    ([6] * 16, True, 16, 0),
])
def test_certifiable_with_five_competences_at_level_1(levels, certifiable, reached, missing):
    result = certifiability(cards_at_levels(levels))
    assert (result.is_certifiable, result.competences_at_level, result.missing_competences) == (
        certifiable, reached, missing)
    assert result.required == 5


def test_pix_without_a_level_does_not_count_for_certifiability():
    # 3 competences at 7 pix (level 0) and 4 at level 1: 100 pix is not the rule, 5 competences are
    cards = [Scorecard(str(i), "c", "1", 7, 7, 0, 7, ScorecardStatus.COMPLETED, 0, 0, 6) for i in range(3)]
    cards += cards_at_levels([1, 1, 1, 1])
    assert certifiability(cards).missing_competences == 1


def test_at_the_maximum_level_nothing_is_left_to_the_next_level(ref):
    big = make_referential({"1.1": [tube(n, [1, 2, 3, 4, 5, 6]) for n in ("ua", "ub")]})
    elements = [ke(f"@{t}{lvl}") for t in ("ua", "ub") for lvl in range(1, 7)]
    sc = build_scorecard(big, "1.1", current_knowledge(elements), test_in_progress=False, test_completed=True,
                         last_activity=None, now=T0 + days(10))
    assert (sc.pix, sc.level, sc.pix_ahead_of_level, sc.pix_to_next_level) == (48, 6, 0, 0)
    assert sc.is_max_level and not sc.is_improvable and sc.is_resettable
