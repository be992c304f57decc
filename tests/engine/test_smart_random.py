"""§5.1 "smart random": estimated level, first challenge, filters, reward, random pick, stop."""

from __future__ import annotations

import math

import pytest
from bank_factory import T0, make_referential, qcu, skill, tube

from engine.answers import AnswerStatus
from engine.knowledge import current_knowledge, knowledge_elements_for_answer
from engine.selection import PastAnswer, SelectionContext, SmartRandom, get_strategy
from engine.selection.smart_random import estimate_level

STRATEGY = SmartRandom()


def targets_of(ref, code="1.1"):
    return tuple(s.name for s in ref.active_skills_by_competence[code])


def context(ref, history=(), *, seed="seed", targets=None, locale="fr-fr"):
    """A context after answering `history` = [(skill name, status)] (first challenge of each skill)."""
    targets = targets_of(ref) if targets is None else tuple(targets)
    elements, answers = [], []
    for name, status in history:
        challenge = ref.challenges_of(name)[0]
        state = current_knowledge(elements)
        elements += knowledge_elements_for_answer(referential=ref, challenge=challenge, status=status,
                                                  target_skills=targets, already_assessed=set(state), now=T0)
        answers.append(PastAnswer(challenge.id, status))
    state = current_knowledge(elements)
    return SelectionContext(referential=ref, target_skills=targets, state=state, assessed=frozenset(state),
                            answers=tuple(answers), seed=seed, locale=locale)


def possible(ctx):
    skills, level = STRATEGY.possible_skills(ctx)
    return sorted(s.name for s in skills), level


# -- estimated level ---------------------------------------------------------------------------------

def test_estimated_level_starts_at_2():
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6])]})
    assert STRATEGY.estimated_level(context(ref)) == 2


@pytest.mark.parametrize(("outcomes", "expected"), [
    # (difficulty, outcome) of the direct answers; the virtual success at 0 and failure at 7 are added.
    ([], 3.5),                                    # σ(3.5) + σ(−3.5) = 1 exactly
    ([(2, 1)], 4.5),                              # |2 − Σ P| = 0.011 at 4.5 (0.090 at 4, 0.065 at 5)
    ([(2, 0)], 1.0),                              # |1 − Σ P| = 0.0025 at 1.0
    ([(1, 0)], 0.5),
    ([(1, 0), (2, 0)], 0.5),                      # the lowest level of the grid
    ([(2, 1), (4, 0)], 3.0),
    ([(1, 1), (2, 1), (3, 1), (4, 0)], 4.0),
    ([(2, 1), (3, 1), (4, 1), (5, 1)], 6.5),
    ([(5, 1), (6, 1)], 7.0),
])
def test_estimated_level_minimises_the_gap_with_two_virtual_answers(outcomes, expected):
    assert estimate_level(outcomes) == expected


def test_estimated_level_tie_goes_to_the_lowest_level():
    # difficulties {0, 7, 0.5, 7.5} are symmetric around 3.75 with 2 successes out of 4:
    # the gap is the same at 3.5 and at 4.0 (0.0294), the lowest wins
    assert estimate_level([(7.5, 1), (0.5, 0)]) == 3.5
    assert estimate_level([(0.5, 0), (7.5, 1)]) == 3.5


def test_estimated_level_uses_direct_elements_only():
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6])]})
    # an ok on @url2 also validates @url1 by inference; only the direct one counts: level 4.5
    ctx = context(ref, [("@url2", AnswerStatus.OK)])
    assert {ke.skill_name for ke in ctx.state.values()} == {"@url1", "@url2"}
    assert STRATEGY.estimated_level(ctx) == 4.5
    ctx = context(ref, [("@url2", AnswerStatus.KO)])
    assert STRATEGY.estimated_level(ctx) == 1.0


# -- first challenge -----------------------------------------------------------------------------------

def test_first_challenge_prefers_easy_tubes_at_level_2():
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6]), tube("mail", [1, 2, 3])]})
    assert possible(context(ref)) == (["@mail2"], 2.0)


def test_first_challenge_level_2_preferred_over_level_1():
    ref = make_referential({"1.1": [tube("mail", [1, 2, 3]), tube("web", [1, 3])]})
    assert possible(context(ref))[0] == ["@mail2"]


def test_first_challenge_takes_the_easiest_when_no_level_2():
    ref = make_referential({"1.1": [tube("mail", [1, 3]), tube("web", [3])]})
    assert possible(context(ref))[0] == ["@mail1"]
    ref = make_referential({"1.1": [tube("mail", [3]), tube("web", [3])]})
    assert possible(context(ref))[0] == ["@mail3", "@web3"]


def test_first_challenge_prefers_untimed_skills():
    ref = make_referential({"1.1": [tube("mail", [1, 2, 3], timed_levels=[2]), tube("web", [2, 3])]})
    assert possible(context(ref))[0] == ["@web2"]
    # untimed beats level 2: only timed level-2 skills left in easy tubes → level 1 untimed
    ref = make_referential({"1.1": [tube("mail", [1, 2, 3], timed_levels=[2])]})
    assert possible(context(ref))[0] == ["@mail1"]


def test_first_challenge_from_any_tube_when_no_tube_is_easy():
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4]), tube("web", [2, 5])]})
    assert possible(context(ref))[0] == ["@url2", "@web2"]


def test_easy_tube_is_one_whose_hardest_skill_is_at_most_3():
    ref = make_referential({"1.1": [tube("a", [1, 2, 3]), tube("b", [3]), tube("c", [1, 4])]})
    assert STRATEGY.easy_tubes(context(ref)) == {"a", "b"}


# -- filters after the first answer -----------------------------------------------------------------

def test_skills_harder_than_estimated_level_plus_2_are_dropped():
    # ko on @url2 → level 1.0; "big" 4..6 would have the best reward (big4: 2.905) but 4 > 1 + 2
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6]), tube("big", [4, 5, 6])]})
    ctx = context(ref, [("@url2", AnswerStatus.KO)])
    assert possible(ctx) == (["@url1"], 1.0)


def test_skill_exactly_at_estimated_level_plus_2_is_kept():
    # level 1.0: mid3 (reward 1.881) kept, mid4 dropped, url1 reward 1
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6]), tube("mid", [3, 4])]})
    assert possible(context(ref, [("@url2", AnswerStatus.KO)]))[0] == ["@mid3"]


def test_easy_tubes_are_preferred_after_the_first_answer_too():
    # level 4.5 after ok on @url2; url4/url5 have reward 2.378 but the easy tube wins (easy1: reward 1)
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6]), tube("easy", [1])]})
    assert possible(context(ref, [("@url2", AnswerStatus.OK)])) == (["@easy1"], 4.5)


def timed_referential():
    return make_referential({"1.1": [tube("chrono", [1, 2, 3, 4, 5, 6], timed_levels=[1, 2, 3, 4, 5, 6]),
                                     tube("calme", [1, 4])]})


def test_timed_skills_are_avoided_after_a_timed_out_timed_challenge():
    # after chrono4 timed out: level 2.0; chrono2 would win (reward 2.0) but is timed → calme1 (1.269)
    ctx = context(timed_referential(), [("@chrono4", AnswerStatus.TIMED_OUT)])
    assert possible(ctx) == (["@calme1"], 2.0)


@pytest.mark.parametrize("status", [AnswerStatus.KO, AnswerStatus.OK, AnswerStatus.SKIPPED])
def test_timed_skills_are_avoided_after_any_timed_challenge_whatever_its_answer(status):
    # conformance: the service looks only at whether the last challenge carried a timer (the old rule,
    # "after a timed-out one", would let chrono2 win after a plain ko)
    ctx = context(timed_referential(), [("@chrono4", status)])
    skills, _ = possible(ctx)
    assert skills and all(name.startswith("@calme") for name in skills)


def test_timed_skills_are_not_avoided_after_an_untimed_challenge():
    ref = make_referential({"1.1": [tube("chrono", [2, 3, 4, 5, 6], timed_levels=[2, 3, 4, 5, 6]),
                                    tube("calme", [1, 4])]})
    ctx = context(ref, [("@calme4", AnswerStatus.KO)])
    skills, _ = possible(ctx)
    assert any(name.startswith("@chrono") for name in skills)


def test_timed_skills_remain_when_nothing_else_is_left():
    ref = make_referential({"1.1": [tube("chrono", [1, 2, 3, 4], timed_levels=[1, 2, 3, 4])]})
    ctx = context(ref, [("@chrono3", AnswerStatus.TIMED_OUT)])
    # level 1.5; chrono1: σ(.5)·1 + σ(−.5)·2 = 1.3775; chrono2: σ(−.5)·2 + σ(.5)·1 = 1.3775 (a tie)
    assert possible(ctx) == (["@chrono1", "@chrono2"], 1.5)


# -- reward --------------------------------------------------------------------------------------------

def test_reward_formula_on_an_untested_tube():
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6])]})
    ctx = context(ref)
    url = ref.skills
    # level 2, skill 2: p = 0.5 → 0.5 × 2 (levels ≤ 2) + 0.5 × 5 (levels ≥ 2) = 3.5
    assert STRATEGY.reward(ctx, url["@url2"], 2.0) == pytest.approx(3.5)
    # level 2, skill 4: p = 1/(1+e²) = 0.119203 → 4p + 3(1 − p) = 3.119203
    assert STRATEGY.reward(ctx, url["@url4"], 2.0) == pytest.approx(3.119203, abs=1e-6)


def test_reward_counts_only_untested_skills():
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6])]})
    ctx = context(ref, [("@url2", AnswerStatus.OK)])  # url1, url2 tested
    # level 4.5, skill 4: p = σ(0.5) = 0.622459; untested ≤ 4: {3, 4}, ≥ 4: {4, 5, 6} → 2p + 3(1 − p)
    p = 1 / (1 + math.exp(-0.5))
    assert STRATEGY.reward(ctx, ref.skills["@url4"], 4.5) == pytest.approx(2 * p + 3 * (1 - p))


def test_all_skills_at_the_maximum_reward_are_kept():
    # two identical tubes: the two symmetric best skills tie
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6]), tube("web", [1, 2, 3, 4, 5, 6])]})
    ctx = context(ref, [("@url2", AnswerStatus.OK)])
    # level 4.5: web4 = 4p+3(1−p) with p=σ(.5) → 3.622; web5 = 5p'+2(1−p') with p'=σ(−.5) → 3.133;
    # web3 = 3σ(1.5)+4σ(−1.5) → 3.182; url4 (untested 3..6) → 2.378
    assert possible(ctx)[0] == ["@web4"]
    # two tubes in the same state: their best skills tie and both are kept
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5]), tube("web", [1, 2, 3, 4, 5])]})
    ctx = context(ref, [("@url3", AnswerStatus.OK), ("@web3", AnswerStatus.OK)])
    skills, _ = possible(ctx)
    assert len(skills) == 2 and {s[:4] for s in skills} == {"@url", "@web"}
    assert skills[0][4:] == skills[1][4:]


# -- random pick, determinism, stop --------------------------------------------------------------------

def test_same_context_gives_the_same_challenge():
    ref = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6]), tube("web", [1, 2, 3, 4, 5, 6])]})
    history = [("@url2", AnswerStatus.OK)]
    first = STRATEGY.next_challenge(context(ref, history, seed="abc"))
    for _ in range(5):  # a reload rebuilds the context: same challenge
        assert STRATEGY.next_challenge(context(ref, history, seed="abc")) == first


def test_the_pick_among_best_skills_and_variants_depends_on_the_seed():
    ref = make_referential({"1.1": [tube("url", [3]), tube("web", [3]), tube("mail", [3])]})
    picked = {STRATEGY.next_challenge(context(ref, seed=f"s{i}")).id for i in range(60)}
    # 3 skills × 2 variants, all at the maximum: every one is drawn for some seed
    assert picked == {f"{t}-3-{i}" for t in ("url", "web", "mail") for i in (1, 2)}


def test_picks_only_validated_challenges_in_the_learner_locale():
    ref = make_referential({"1.1": [tube("url", skills=[skill(2, [
        qcu("url-ok"), qcu("url-ok-2"), qcu("url-archived", status="archived"),
        qcu("url-obsolete", status="obsolete"), qcu("url-draft", status="draft"), qcu("url-en", locales=["en"]),
    ])])]})
    picked = {STRATEGY.next_challenge(context(ref, seed=f"s{i}")).id for i in range(60)}
    assert picked == {"url-ok", "url-ok-2"}  # archived, obsolete and draft ones are never proposed
    picked = {STRATEGY.next_challenge(context(ref, seed=f"s{i}", locale="en-gb")).id for i in range(30)}
    assert picked == {"url-en"}


def test_skills_without_a_playable_challenge_are_not_candidates():
    ref = make_referential({"1.1": [tube("url", skills=[
        skill(1, [qcu("url-fr")]), skill(2, [qcu("url-en-a", locales=["en"]), qcu("url-en-b", locales=["en"])]),
    ])]})
    assert [s.name for s in STRATEGY.candidates(context(ref))] == ["@url1"]


def test_stops_when_no_candidate_is_left():
    ref = make_referential({"1.1": [tube("url", [1, 2, 3])]})
    assert STRATEGY.next_challenge(context(ref, [("@url3", AnswerStatus.OK)])) is None
    assert STRATEGY.next_challenge(context(ref, [("@url1", AnswerStatus.KO)])) is None


def test_get_strategy_by_name():
    assert isinstance(get_strategy("smart-random"), SmartRandom)
    with pytest.raises(ValueError):
        get_strategy("nope")


def test_first_challenge_is_an_untimed_variant_when_the_skill_has_one():
    ref = make_referential({"1.1": [tube("mail", skills=[
        skill(1, tube="mail"), skill(2, [qcu("mail-2-timed", timer=20), qcu("mail-2-calm")]), skill(3, tube="mail"),
    ])]})
    picked = {STRATEGY.next_challenge(context(ref, seed=f"s{i}")).id for i in range(40)}
    assert picked == {"mail-2-calm"}


def test_after_a_timed_out_timed_challenge_an_untimed_variant_is_shown():
    ref = make_referential({"1.1": [tube("chrono", [1, 2, 3, 4, 5, 6], timed_levels=[1, 2, 3, 4, 5, 6]),
                                    tube("calme", skills=[skill(1, [qcu("calme-1-timed", timer=20),
                                                                    qcu("calme-1-calm")]),
                                                          skill(4, tube="calme")])]})
    for i in range(40):
        ctx = context(ref, [("@chrono4", AnswerStatus.TIMED_OUT)], seed=f"s{i}")
        assert STRATEGY.next_challenge(ctx).id == "calme-1-calm"


def test_the_level_filter_comes_before_the_easy_tube_preference():
    # ko on longA1 → level 0.5, so level 3 is too hard: the only easy skill (easy3) is dropped by the
    # filter, and the preference for easy tubes must not empty the set: longB1 / longB2 remain to be asked
    ref = make_referential({"1.1": [tube("longA", [1, 2, 3, 4, 5, 6]), tube("longB", [1, 2, 3, 4, 5, 6]),
                                    tube("easy", [3])]})
    ctx = context(ref, [("@longA1", AnswerStatus.KO)])
    skills, level = possible(ctx)
    assert level == 0.5
    # rewards at 0.5 over untested longB 1..6: longB1 = σ(−.5)·1 + σ(.5)·6 = 4.112, longB2 = 4.453
    assert skills == ["@longB2"]
    assert STRATEGY.next_challenge(ctx) is not None


def test_avoiding_timed_skills_never_ends_the_test_while_timed_ones_fit_the_level():
    # after chrono4 timed out (level 2.0) the only untimed skill (calme5) is too hard: the timed
    # chrono1..3 are still asked rather than stopping the test
    ref = make_referential({"1.1": [tube("chrono", [1, 2, 3, 4, 5, 6], timed_levels=[1, 2, 3, 4, 5, 6]),
                                    tube("calme", [5])]})
    ctx = context(ref, [("@chrono4", AnswerStatus.TIMED_OUT)])
    skills, level = possible(ctx)
    assert level == 2.0
    assert skills == ["@chrono2"]  # rewards at 2.0 over untested {1, 2, 3}: chrono2 = 2.0 > 1.538


# -- a challenge already answered is never asked again -----------------------------------------------

def test_a_challenge_answered_without_knowledge_element_is_never_asked_again():
    # conformance: a challenge answered in the assessment whose answer wrote no knowledge element
    # (its skill was not a target then) must not come back; its skill's other variant may
    ref = make_referential({"1.1": [tube("mail", skills=[skill(1, [qcu("mail-1-a"), qcu("mail-1-b")], tube="mail")])]})
    answers = (PastAnswer("mail-1-a", AnswerStatus.OK),)
    for i in range(30):
        ctx = SelectionContext(referential=ref, target_skills=("@mail1",), state={}, assessed=frozenset(),
                               answers=answers, seed=f"s{i}")
        assert STRATEGY.next_challenge(ctx).id == "mail-1-b"


def test_a_skill_whose_only_challenge_was_answered_is_not_a_candidate():
    ref = make_referential({"1.1": [tube("mail", skills=[skill(1, [qcu("mail-1-a")], tube="mail"),
                                                         skill(2, [qcu("mail-2-a")], tube="mail")])]})
    answers = (PastAnswer("mail-1-a", AnswerStatus.OK), PastAnswer("mail-2-a", AnswerStatus.KO))
    ctx = SelectionContext(referential=ref, target_skills=("@mail1", "@mail2"), state={}, assessed=frozenset(),
                           answers=answers, seed="s")
    assert STRATEGY.candidates(ctx) == []
    assert STRATEGY.next_challenge(ctx) is None
