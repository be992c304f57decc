"""The project's own strategy "bayes-level": posterior over the level, information-driven choice, stopping."""

from __future__ import annotations

from bank_factory import make_referential, tube

from engine.answers import AnswerStatus
from engine.selection import BayesLevel, PastAnswer, SelectionContext, get_strategy

OK, KO = AnswerStatus.OK, AnswerStatus.KO


def referential():
    return make_referential({"1.1": [tube("ba", [1, 2, 3, 4, 5, 6]), tube("bb", [1, 2, 3]), tube("bc", [4, 5, 6])]})


def context(ref, answers=(), assessed=(), seed="s"):
    targets = tuple(s.name for s in ref.active_skills_by_competence["1.1"])
    return SelectionContext(referential=ref, target_skills=targets, state={}, assessed=frozenset(assessed),
                            answers=tuple(PastAnswer(c, s) for c, s in answers), seed=seed)


def test_bayes_level_is_registered_as_a_strategy():
    assert isinstance(get_strategy("bayes-level"), BayesLevel)


def test_posterior_starts_uniform_and_moves_up_after_a_success_and_down_after_a_failure():
    ref = referential()
    strategy = BayesLevel()
    prior = strategy.posterior(context(ref))
    assert prior == [1 / 7] * 7
    up = strategy.posterior(context(ref, [("ba-4-1", OK)]))
    down = strategy.posterior(context(ref, [("ba-4-1", KO)]))
    mean = lambda dist: sum(t * p for t, p in enumerate(dist))  # noqa: E731
    assert mean(up) > mean(prior) > mean(down)
    assert abs(sum(up) - 1) < 1e-12 and abs(sum(down) - 1) < 1e-12


def test_first_question_is_in_the_middle_of_the_levels_where_it_is_most_informative():
    ref = referential()
    challenge = BayesLevel().next_challenge(context(ref))
    assert ref.skills[challenge.skill_name].level in (3, 4)


def test_same_context_gives_the_same_challenge():
    ref = referential()
    answers = [("ba-3-1", OK), ("bc-5-1", KO)]
    first = BayesLevel().next_challenge(context(ref, answers, assessed={"@ba1", "@ba2", "@ba3", "@bc5", "@bc6"}))
    again = BayesLevel().next_challenge(context(ref, answers, assessed={"@ba1", "@ba2", "@ba3", "@bc5", "@bc6"}))
    assert first == again


def test_skills_almost_surely_above_the_learner_are_not_asked_and_the_test_ends():
    ref = referential()
    answers = [("ba-1-1", KO), ("bb-1-1", KO), ("bb-2-1", KO)]
    assessed = {s.name for s in ref.active_skills_by_competence["1.1"] if s.level <= 2}
    assessed |= {"@ba3", "@bb3", "@ba4", "@ba5", "@ba6"}
    # only @bc4..@bc6 remain, far above a learner who failed everything at levels 1-2
    assert BayesLevel().next_challenge(context(ref, answers, assessed)) is None


def test_no_candidate_left_ends_the_test():
    ref = referential()
    everything = {s.name for s in ref.active_skills_by_competence["1.1"]}
    assert BayesLevel().next_challenge(context(ref, assessed=everything)) is None
