"""§5.2 "flash": 2PL model, EAP ability, Fisher information, coverage rules, fixed length."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from bank_factory import make_referential, qcu, skill, tube

from engine.answers import AnswerStatus
from engine.config import EngineConfig
from engine.selection import Flash, PastAnswer, SelectionContext, get_strategy
from engine.selection.flash import estimate_ability, information, probability_correct

OK, KO = AnswerStatus.OK, AnswerStatus.KO


def irt_skill(level, cid, difficulty, discriminant=1.5, variants=1):
    challenges = [qcu(f"{cid}{'' if i == 0 else f'-v{i}'}", irt={"difficulty": difficulty,
                                                                 "discriminant": discriminant})
                  for i in range(variants)]
    return skill(level, challenges)


def flash_referential():
    """Competence 1.1: seven skills whose challenges have difficulties 0, .5, −1, 1.5, −2, 3, −4."""
    return make_referential({"1.1": [
        tube("fa", skills=[irt_skill(1, "b-m4", -4.0), irt_skill(2, "b-m2", -2.0), irt_skill(3, "b-m1", -1.0)]),
        tube("fb", skills=[irt_skill(3, "b-0", 0.0, variants=2), irt_skill(4, "b-05", 0.5)]),
        tube("fc", skills=[irt_skill(4, "b-15", 1.5), irt_skill(6, "b-3", 3.0)]),
    ]})


def targets_of(ref, *codes):
    return tuple(s.name for code in codes for s in ref.active_skills_by_competence[code])


def context(ref, answers=(), *, targets=None, seed="seed"):
    return SelectionContext(referential=ref, target_skills=targets or targets_of(ref, "1.1"), state={},
                            assessed=frozenset(), answers=tuple(PastAnswer(c, s) for c, s in answers), seed=seed)


# -- model -----------------------------------------------------------------------------------------

def test_probability_follows_the_2pl_model():
    assert probability_correct(1.0, 1.0, 1.5) == pytest.approx(0.5)
    assert probability_correct(0.0, 1.0, 1.5) == pytest.approx(1 / (1 + math.exp(1.5)))  # 0.182426
    assert probability_correct(2.0, 1.0, 2.0) == pytest.approx(1 / (1 + math.exp(-2.0)))  # 0.880797


def test_information_is_a_squared_p_one_minus_p():
    ref = flash_referential()
    at_b = ref.challenges["b-05"]
    assert information(0.5, at_b) == pytest.approx(1.5**2 * 0.25)  # 0.5625, the maximum
    p = 1 / (1 + math.exp(1.5 * 0.5))
    assert information(0.0, at_b) == pytest.approx(2.25 * p * (1 - p))
    assert information(0.0, ref.challenges["b-0"]) > information(0.0, at_b) > information(0.0, ref.challenges["b-3"])


def reference_eap(answers, prior_mean=0.0, variance=1.5):
    """Independent EAP on the spec's grid (−9..9, 80 points) for one step from `prior_mean`."""
    grid = [-9 + 18 * i / 79 for i in range(80)]
    weights = []
    for g in grid:
        w = math.exp(-((g - prior_mean) ** 2) / (2 * variance))
        for b, a, ok in answers:
            p = 1 / (1 + math.exp(a * (b - g)))
            w *= p if ok else 1 - p
        weights.append(w)
    return sum(w * g for w, g in zip(weights, grid, strict=True)) / sum(weights)


def test_eap_after_one_answer_without_step_cap():
    ref = flash_referential()
    config = EngineConfig(flash_step_cap=None)
    up = estimate_ability([(ref.challenges["b-0"], True)], config).theta
    down = estimate_ability([(ref.challenges["b-0"], False)], config).theta
    assert up == pytest.approx(reference_eap([(0.0, 1.5, True)]), abs=1e-9)
    assert down == pytest.approx(reference_eap([(0.0, 1.5, False)]), abs=1e-9)
    assert up > 0.3 and down == pytest.approx(-up)


def test_eap_step_is_capped_at_0_3():
    ref = flash_referential()
    assert estimate_ability([(ref.challenges["b-0"], True)]).theta == pytest.approx(0.3)
    assert estimate_ability([(ref.challenges["b-0"], False)]).theta == pytest.approx(-0.3)


def test_ability_starts_at_0_and_rises_with_successes_and_falls_with_failures():
    ref = flash_referential()
    strategy = Flash()
    assert strategy.ability(context(ref)).theta == 0
    thetas = [strategy.ability(context(ref, [(c, OK) for c in ids])).theta
              for ids in ([], ["b-0"], ["b-0", "b-05"], ["b-0", "b-05", "b-15"])]
    assert thetas == sorted(thetas) and len(set(thetas)) == 4
    thetas = [strategy.ability(context(ref, [(c, KO) for c in ids])).theta
              for ids in ([], ["b-0"], ["b-0", "b-m1"], ["b-0", "b-m1", "b-m2"])]
    assert thetas == sorted(thetas, reverse=True) and len(set(thetas)) == 4


def test_a_skipped_or_timed_out_answer_counts_as_a_failure():
    ref = flash_referential()
    ko = Flash().ability(context(ref, [("b-0", KO)])).theta
    assert Flash().ability(context(ref, [("b-0", AnswerStatus.SKIPPED)])).theta == ko
    assert Flash().ability(context(ref, [("b-0", AnswerStatus.TIMED_OUT)])).theta == ko


# -- next challenge ----------------------------------------------------------------------------------

def test_next_challenge_is_drawn_from_the_5_most_informative_weighted_to_the_best():
    ref = flash_referential()
    picks = Counter(Flash().next_challenge(context(ref, seed=f"s{i}")).id for i in range(600))
    # at θ = 0 the 5 most informative skills have |b| = 0, 0.5, 1, 1.5, 2; b = 3 and b = −4 never come
    assert {ref.challenges[c].difficulty for c in picks} <= {0.0, 0.5, -1.0, 1.5, -2.0}
    per_skill = Counter()
    for cid, n in picks.items():
        per_skill[ref.challenges[cid].difficulty] += n
    assert per_skill.most_common(1)[0][0] == 0.0
    assert per_skill[0.0] > per_skill[-2.0]


def test_no_repeated_skill():
    ref = flash_referential()
    for i in range(40):
        challenge = Flash().next_challenge(context(ref, [("b-0", OK)], seed=f"s{i}"))
        assert challenge.skill_name != "@fb3"  # its other variant b-0-v1 is never asked


def test_one_challenge_per_tube_when_asked():
    ref = flash_referential()
    for i in range(40):
        challenge = Flash(one_per_tube=True).next_challenge(context(ref, [("b-0", OK)], seed=f"s{i}"))
        assert ref.skills[challenge.skill_name].tube_name != "fb"


def multi_competence_referential():
    return make_referential({
        "1.1": [tube("aa", skills=[irt_skill(3, "a-0", 0.0), irt_skill(4, "a-01", 0.1)])],
        "1.2": [tube("bb", skills=[irt_skill(3, "b-far", 4.0), irt_skill(4, "b-far2", 4.5)])],
        "1.3": [tube("cc", skills=[irt_skill(3, "c-far", -4.0), irt_skill(4, "c-far2", -4.5)])],
    })


def test_every_competence_is_covered_first():
    ref = multi_competence_referential()
    targets = targets_of(ref, "1.1", "1.2", "1.3")
    for i in range(30):
        # 1.1 holds by far the most informative item, but 1.2 and 1.3 have not been asked yet
        challenge = Flash().next_challenge(context(ref, [("a-0", OK)], targets=targets, seed=f"s{i}"))
        assert ref.competence_of(challenge.skill_name) in {"1.2", "1.3"}
        challenge = Flash().next_challenge(context(ref, [("a-0", OK), ("b-far", KO)], targets=targets,
                                                    seed=f"s{i}"))
        assert ref.competence_of(challenge.skill_name) == "1.3"


def test_competences_of_the_last_2_answers_are_avoided():
    ref = multi_competence_referential()
    targets = targets_of(ref, "1.1", "1.2", "1.3")
    for i in range(30):
        answers = [("b-far", OK), ("c-far", KO), ("a-0", OK)]  # last two: 1.3 and 1.1
        challenge = Flash().next_challenge(context(ref, answers, targets=targets, seed=f"s{i}"))
        assert challenge.id == "b-far2"


def test_fixed_length_stops_the_test():
    ref = flash_referential()
    assert Flash(max_questions=2).next_challenge(context(ref, [("b-0", OK)])) is not None
    assert Flash(max_questions=2).next_challenge(context(ref, [("b-0", OK), ("b-05", KO)])) is None
    assert Flash().max_questions == 32


def test_stops_when_no_eligible_challenge_is_left():
    ref = flash_referential()
    answers = [(c, OK) for c in ("b-m4", "b-m2", "b-m1", "b-0", "b-05", "b-15", "b-3")]
    assert Flash().next_challenge(context(ref, answers)) is None


def test_same_context_gives_the_same_challenge():
    ref = flash_referential()
    picks = {Flash().next_challenge(context(ref, [("b-0", OK)], seed="fixed")).id for _ in range(10)}
    assert len(picks) == 1
    assert get_strategy("flash").name == "flash"
