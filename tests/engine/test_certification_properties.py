"""Properties of the v3 certification score: within bounds, monotone in capacity and in the answers."""

from __future__ import annotations

from certification_helpers import by_difficulty, full_referential, run_v3, v3_record
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.certification.capacity import ItemAnswer, estimate_capacity
from engine.certification.config import FlashOptions, V3Scoring
from engine.certification.v3 import ChallengePool, competence_level, max_reachable_score, score_for_capacity, score_v3

SCORING = V3Scoring()
OPTIONS = FlashOptions()
POOL = ChallengePool.build(full_referential())
capacities = st.floats(min_value=-12, max_value=12, allow_nan=False)
levels = st.integers(min_value=1, max_value=8)


@given(capacities, capacities, levels)
def test_score_is_monotone_in_capacity_and_within_bounds(a, b, max_level):
    low, high = sorted((a, b))
    s_low, s_high = score_for_capacity(low, SCORING, max_level), score_for_capacity(high, SCORING, max_level)
    assert 0 <= s_low <= s_high <= max_reachable_score(max_level)


@given(capacities, capacities, levels)
def test_competence_level_is_monotone_in_capacity_and_within_bounds(a, b, max_level):
    low, high = sorted((a, b))
    bounds = SCORING.default_competence_bounds
    assert 0 <= competence_level(low, bounds, max_level) <= competence_level(high, bounds, max_level) <= max_level


items = st.lists(st.tuples(st.floats(min_value=-4, max_value=4, allow_nan=False), st.booleans()),
                 min_size=1, max_size=32)


@settings(max_examples=300, deadline=None)
@given(items, st.data())
def test_turning_a_wrong_answer_right_never_lowers_the_capacity(answers, data):
    wrong = [i for i, (_, ok) in enumerate(answers) if not ok]
    if not wrong:
        return
    flip = data.draw(st.sampled_from(wrong))
    before = [ItemAnswer(d, 1.5, ok) for d, ok in answers]
    after = [ItemAnswer(d, 1.5, ok or i == flip) for i, (d, ok) in enumerate(answers)]
    assert estimate_capacity(after, OPTIONS).capacity >= estimate_capacity(before, OPTIONS).capacity - 1e-9


@settings(max_examples=40, deadline=None, derandomize=True)  # checked on 400 random examples too
@given(st.floats(min_value=-4, max_value=4), st.floats(min_value=0.3, max_value=3), st.integers(0, 10**6))
def test_a_more_able_candidate_never_scores_lower_on_the_same_test(threshold, gain, seed):
    # same seed, deterministic candidates: the abler one is right wherever the other is
    weak = score_v3(POOL, run_v3(POOL, v3_record(str(seed)), by_difficulty(threshold)))
    strong = score_v3(POOL, run_v3(POOL, v3_record(str(seed)), by_difficulty(threshold + gain)))
    assert 0 <= weak.score <= strong.score <= max_reachable_score(weak.max_reachable_level)
