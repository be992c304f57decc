"""§9 v3 certification: flash selection with the service's options, capacity, score, levels, abandon,
technical abort, neutralisation and rescoring, focused-out answers, maximum reachable level."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from certification_helpers import DAY, by_difficulty, full_referential, run_v3, v3_record

from engine.answers import AnswerStatus
from engine.certification.capacity import ItemAnswer, estimate_capacity
from engine.certification.config import (
    SERVICE_SUCCESS_RATE_RANGES,
    CertificationConfig,
    FlashOptions,
    SuccessRateRange,
    V3Scoring,
)
from engine.certification.records import (
    CertificationError,
    CertificationStatus,
    EndReason,
    Incident,
    IncidentCategory,
    apply_incidents,
    deneutralise,
    is_time_up,
    max_reachable_level_on,
    neutralise,
    time_limit,
)
from engine.certification.v3 import (
    ChallengePool,
    competence_level,
    global_level,
    max_reachable_score,
    mesh_index,
    next_challenge_v3,
    score_for_capacity,
    score_v3,
)

REF = full_referential()
POOL = ChallengePool.build(REF)
OPTIONS = FlashOptions()


def competence(challenge_id: str) -> str:
    return REF.competence_of(REF.challenges[challenge_id].skill_name)


def tube_of(challenge_id: str) -> str:
    return REF.skills[REF.challenges[challenge_id].skill_name].tube_name


# -- options ---------------------------------------------------------------------------------------------

def test_minimum_success_rate_is_80_percent_for_questions_1_to_8_then_falls_to_50_percent_by_16():
    options = FlashOptions(minimum_success_rate_ranges=SERVICE_SUCCESS_RATE_RANGES)
    assert [options.minimal_success_rate(i) for i in (0, 7)] == [0.8, 0.8]
    assert options.minimal_success_rate(8) == pytest.approx(0.8)
    assert options.minimal_success_rate(15) == pytest.approx(0.5)
    assert options.minimal_success_rate(16) == 0.0


def test_invalid_options_are_refused():
    with pytest.raises(ValueError):
        SuccessRateRange(5, 2, 0.8, 0.5)
    with pytest.raises(ValueError):
        FlashOptions(max_exposure=0)
    with pytest.raises(ValueError):
        V3Scoring(mesh_bounds=(0.0,) * 10)


# -- capacity --------------------------------------------------------------------------------------------

def test_capacity_starts_at_the_services_initial_capacity():
    assert estimate_capacity([], OPTIONS).capacity == -3.0


def test_right_answers_raise_the_capacity_and_wrong_ones_lower_it():
    item = (0.0, 1.5)
    up = estimate_capacity([ItemAnswer(*item, True)] * 3, FlashOptions(variation_percent=None)).capacity
    down = estimate_capacity([ItemAnswer(*item, False)] * 3, FlashOptions(variation_percent=None)).capacity
    assert down < -3.0 < up


def test_early_steps_are_capped_at_a_share_of_the_capacity():
    # from −3 with variationPercent 0.3 a step is at most 0.9; after the capped answers the cap is off
    first = estimate_capacity([ItemAnswer(3.0, 1.5, True)], OPTIONS).capacity
    assert first == pytest.approx(-3.0 + 0.9)
    uncapped = estimate_capacity([ItemAnswer(3.0, 1.5, True)], FlashOptions(variation_percent=None)).capacity
    assert uncapped > first
    near_zero = FlashOptions(initial_capacity=0.1)
    assert estimate_capacity([ItemAnswer(3.0, 1.5, True)], near_zero).capacity == pytest.approx(0.1 + 0.3)


def test_double_measures_average_two_answers_likelihoods():
    items = [ItemAnswer(0.0, 1.5, True), ItemAnswer(0.0, 1.5, False)]
    single = estimate_capacity(items, FlashOptions(variation_percent=None)).capacity
    double = estimate_capacity(items, FlashOptions(variation_percent=None, double_measures_until=2)).capacity
    assert double != pytest.approx(single)


# -- selection -------------------------------------------------------------------------------------------

MIDDLE = by_difficulty(0.5)
GOOD = by_difficulty(1.0)


def full_test(seed="seed", answer=MIDDLE, options=None):
    return run_v3(POOL, v3_record(seed), answer, options=options)


def test_a_test_asks_32_questions_then_stops():
    record = full_test()
    assert len(record.answers) == 32
    assert next_challenge_v3(POOL, record) is None


def test_every_competence_is_visited_before_any_is_asked_twice():
    codes = [competence(a.challenge_id) for a in full_test().answers]
    assert len(set(codes[:16])) == 16


def test_never_the_same_challenge_skill_or_tube_twice():
    ids = full_test().answered_ids
    assert len(set(ids)) == 32
    assert len({REF.challenges[i].skill_name for i in ids}) == 32
    assert len({tube_of(i) for i in ids}) == 32


def test_a_competence_is_not_asked_again_within_two_questions():
    codes = [competence(a.challenge_id) for a in full_test().answers]
    assert all(codes[i] not in codes[max(0, i - 2):i] for i in range(len(codes)))


def test_first_questions_are_easy_enough_to_be_passed_at_80_percent():
    # at the initial capacity −3 only the easiest challenges reach 80 %: the first question is level 1
    first = next_challenge_v3(POOL, v3_record())
    assert REF.skills[first.skill_name].level == 1


def test_without_the_success_rate_floor_the_most_informative_challenge_is_preferred():
    options = FlashOptions(minimum_success_rate_ranges=(), probability_to_pick_best=1.0, initial_capacity=0.0)
    first = next_challenge_v3(POOL, v3_record(), options)
    assert REF.skills[first.skill_name].level in (3, 4)  # difficulties −0.55 and 0.55 around capacity 0


def test_forced_competences_are_the_only_ones_asked_while_they_have_challenges():
    options = FlashOptions(forced_competences=("2.1", "3.4"), enable_passage_by_all_competences=False,
                           challenges_between_same_competence=0)
    record = run_v3(POOL, v3_record(), by_difficulty(0.0), count=6, options=options)
    assert {competence(i) for i in record.answered_ids} == {"2.1", "3.4"}


def test_the_choice_is_reproducible_from_the_seed():
    assert full_test("a").answered_ids == full_test("a").answered_ids
    assert full_test("a").answered_ids != full_test("b").answered_ids


def test_challenges_seen_elsewhere_are_avoided():
    first = full_test("a")
    retest = run_v3(POOL, v3_record("a", excluded_challenge_ids=frozenset(first.answered_ids)), by_difficulty(0.5))
    assert not set(first.answered_ids) & set(retest.answered_ids)


def test_exposure_cap_leaves_out_overexposed_challenges():
    options = FlashOptions(max_exposure=0.5, probability_to_pick_best=1.0)
    usual = next_challenge_v3(POOL, v3_record(), FlashOptions(probability_to_pick_best=1.0))
    capped = next_challenge_v3(POOL, v3_record(), options, exposure={usual.id: 0.6})
    assert capped.id != usual.id
    assert next_challenge_v3(POOL, v3_record(), options, exposure={usual.id: 0.4}).id == usual.id


# -- score and levels ------------------------------------------------------------------------------------

SCORING = V3Scoring()


def test_score_is_piecewise_linear_over_the_meshes():
    bounds = SCORING.mesh_bounds
    assert score_for_capacity(bounds[0] - 1, SCORING, 7) == 0
    assert score_for_capacity(bounds[1], SCORING, 7) == 64
    assert score_for_capacity((bounds[2] + bounds[3]) / 2, SCORING, 7) == 192
    assert score_for_capacity(bounds[-1] + 1, SCORING, 7) == 895


def test_score_is_capped_by_the_maximum_reachable_level():
    assert max_reachable_score(7) == 895
    assert max_reachable_score(6) == 767
    assert score_for_capacity(SCORING.mesh_bounds[-2], SCORING, 6) == 767


@pytest.mark.parametrize(("score", "mesh", "level"), [
    (0, 0, "pre_beginner"), (63, 0, "pre_beginner"), (64, 1, "beginner"), (127, 1, "beginner"),
    (128, 2, "beginner"), (255, 2, "beginner"), (256, 3, "independent"), (511, 4, "independent"),
    (512, 5, "advanced"), (767, 6, "advanced"), (768, 7, "expert"), (895, 7, "expert"), (896, 8, "expert"),
])
def test_global_level_from_the_score_mesh(score, mesh, level):
    assert mesh_index(score) == mesh
    assert global_level(score) == level


def test_competence_level_from_the_capacity_capped_by_the_maximum_level():
    bounds = SCORING.default_competence_bounds
    assert competence_level(bounds[0] - 0.01, bounds, 6) == 0
    assert competence_level(bounds[0], bounds, 6) == 1
    assert competence_level(bounds[3] + 0.01, bounds, 6) == 4
    assert competence_level(100.0, bounds, 6) == 6


def test_a_completed_test_is_validated_with_a_score_and_16_competence_levels():
    result = score_v3(POOL, full_test())
    assert result.status is CertificationStatus.VALIDATED
    assert 0 < result.score <= 767
    assert len(result.competence_levels) == 16
    assert result.simulated_skips == 0


def test_a_better_candidate_scores_higher():
    weak = score_v3(POOL, full_test(answer=by_difficulty(-1.0))).score
    strong = score_v3(POOL, full_test(answer=by_difficulty(2.0))).score
    assert weak < strong


def test_the_maximum_reachable_level_on_the_certification_date_caps_score_and_levels():
    config = CertificationConfig(max_reachable_levels=((date(2020, 1, 1), 3), (date(2026, 1, 1), 6)))
    strong = full_test(answer=lambda c: AnswerStatus.OK)
    before = score_v3(POOL, replace(strong, certification_date=date(2025, 6, 1)), config)
    after = score_v3(POOL, strong, config)
    assert before.score == max_reachable_score(3) and max(before.competence_levels.values()) == 3
    assert after.score > before.score and max(after.competence_levels.values()) > 3
    assert max_reachable_level_on(date(2025, 12, 31), config.max_reachable_levels) == 3
    with pytest.raises(CertificationError):
        max_reachable_level_on(date(2019, 1, 1), config.max_reachable_levels)


# -- abandon, time, technical abort ---------------------------------------------------------------------

def partial(count, end, seed="seed", answer=GOOD):
    return run_v3(POOL, v3_record(seed), answer, count=count).ended(end)


def test_a_test_in_progress_cannot_be_scored():
    with pytest.raises(CertificationError) as refused:
        score_v3(POOL, run_v3(POOL, v3_record(), by_difficulty(1.0), count=10))
    assert refused.value.code == "not_ended"


@pytest.mark.parametrize("end", [EndReason.ABORTED_CANDIDATE, EndReason.TIME_UP])
def test_abandon_with_20_answers_is_completed_by_simulated_skips(end):
    record = partial(20, end)
    result = score_v3(POOL, record)
    assert result.status is CertificationStatus.VALIDATED
    assert result.simulated_skips == 12 and result.answered == 20
    # the skips count as wrong: below what the same 20 answers give when not completed
    as_is = score_v3(POOL, replace(record, end=EndReason.ABORTED_TECHNICAL))
    assert result.score < as_is.score


@pytest.mark.parametrize("end", [EndReason.ABORTED_CANDIDATE, EndReason.TIME_UP])
def test_abandon_with_fewer_than_20_answers_is_rejected(end):
    result = score_v3(POOL, partial(19, end))
    assert result.status is CertificationStatus.REJECTED


def test_a_technical_abort_with_fewer_than_20_answers_is_cancelled_not_rejected():
    result = score_v3(POOL, partial(19, EndReason.ABORTED_TECHNICAL))
    assert result.status is CertificationStatus.CANCELLED
    assert result.score is None


def test_a_technical_abort_with_20_answers_is_scored_on_its_answers_without_skips():
    result = score_v3(POOL, partial(25, EndReason.ABORTED_TECHNICAL))
    assert result.status is CertificationStatus.VALIDATED and result.simulated_skips == 0


def test_an_ended_test_asks_nothing_more():
    assert next_challenge_v3(POOL, partial(20, EndReason.TIME_UP)) is None


def test_no_answer_after_the_end():
    with pytest.raises(CertificationError):
        partial(20, EndReason.TIME_UP).with_answer("x", AnswerStatus.OK)


# -- neutralisation --------------------------------------------------------------------------------------

def test_neutralising_a_wrong_answer_raises_the_score_and_deneutralising_restores_it():
    record = full_test(answer=by_difficulty(0.5))
    wrong = next(a.challenge_id for a in record.answers if a.status is AnswerStatus.KO)
    base = score_v3(POOL, record).score
    neutralised = neutralise(record, wrong)
    rescored = score_v3(POOL, neutralised)
    assert rescored.score > base
    assert score_v3(POOL, deneutralise(neutralised, wrong)).score == base


def test_neutralisation_refuses_unknown_or_repeated_requests():
    record = full_test()
    some = record.answers[0].challenge_id
    with pytest.raises(CertificationError) as unknown:
        neutralise(record, "not-asked")
    assert unknown.value.code == "not_in_test"
    with pytest.raises(CertificationError) as twice:
        neutralise(neutralise(record, some), some)
    assert twice.value.code == "already_neutralised"
    with pytest.raises(CertificationError) as never:
        deneutralise(record, some)
    assert never.value.code == "not_neutralised"


def test_an_in_challenge_technical_incident_neutralises_a_wrong_answer_but_keeps_a_right_one():
    record = full_test(answer=by_difficulty(0.5))
    wrong = next(a.challenge_id for a in record.answers if a.status is AnswerStatus.KO)
    right = next(a.challenge_id for a in record.answers if a.status is AnswerStatus.OK)
    after = apply_incidents(record, [Incident(IncidentCategory.IMAGE_NOT_DISPLAYING, wrong),
                                     Incident(IncidentCategory.WEBSITE_BLOCKED, right),
                                     Incident(IncidentCategory.FRAUD, wrong)])
    assert after.neutralised == {wrong}
    assert apply_incidents(record, [Incident(IncidentCategory.FRAUD, wrong)]).neutralised == frozenset()


# -- focused out and accessibility adjustment -----------------------------------------------------------

def test_focused_out_answers_count_as_wrong_unless_the_candidate_has_an_accessibility_adjustment():
    def answer(challenge):
        return AnswerStatus.FOCUSED_OUT if challenge.difficulty < 0.5 else AnswerStatus.KO

    plain = full_test(answer=answer)
    adjusted = replace(plain, accessibility_adjustment=True)
    all_wrong = full_test(answer=lambda c: AnswerStatus.KO)
    assert score_v3(POOL, plain).score == score_v3(POOL, replace(plain, answers=tuple(
        replace(a, status=AnswerStatus.KO) for a in plain.answers))).score
    assert score_v3(POOL, adjusted).score > score_v3(POOL, plain).score
    assert score_v3(POOL, all_wrong).score <= score_v3(POOL, plain).score


def test_the_certification_date_is_part_of_the_record():
    assert v3_record().certification_date == DAY


# -- per-competence capacities (this project's option) ---------------------------------------------------

def test_by_default_every_competence_level_is_read_off_the_overall_capacity():
    result = score_v3(POOL, full_test())
    assert len(set(result.competence_levels.values())) == 1


def test_with_a_competence_prior_each_competence_follows_its_own_answers_around_the_overall_capacity():
    # right on everything of 1.1 to 1.3, right below 0.5 elsewhere: those three competences rise above the rest
    strong = {"1.1", "1.2", "1.3"}

    def answer(challenge):
        return AnswerStatus.OK if competence(challenge.id) in strong else MIDDLE(challenge)

    record = full_test(answer=answer)
    own = score_v3(POOL, record, CertificationConfig(v3_scoring=V3Scoring(competence_prior_variance=0.6)))
    overall = score_v3(POOL, record)
    assert own.score == overall.score  # the score is unchanged: only competence levels move
    failed = {competence(a.challenge_id) for a in record.answers if a.status is AnswerStatus.KO}
    assert failed and not failed & strong
    assert min(own.competence_levels[c] for c in strong) >= max(own.competence_levels.values())
    assert min(own.competence_levels[c] for c in strong) > max(own.competence_levels[c] for c in failed)
    assert max(own.competence_levels[c] for c in failed) < overall.competence_levels["2.1"]



# -- time --------------------------------------------------------------------------------------------------

def test_the_test_lasts_1_h_45_plus_the_candidates_extra_time():
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert time_limit(start, 0) == start + timedelta(minutes=105)
    assert time_limit(start, 30) == start + timedelta(minutes=136.5)
    assert not is_time_up(start, start + timedelta(minutes=104, seconds=59))
    assert is_time_up(start, start + timedelta(minutes=105))
    assert not is_time_up(start, start + timedelta(minutes=120), extra_time_percent=30)
    with pytest.raises(CertificationError):
        time_limit(start, 150)
