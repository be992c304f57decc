"""The order of a QCU/QCM's proposals: deterministic, a real permutation, spread over every position, and never
seen by answer checking (the displayed inputs carry the original indices)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from engine.answers import is_correct
from engine.proposal_order import display_context, displayed_choices, permutation, proposal_order
from engine.referential import Challenge, ChallengeType


def _qcu(shuffle: bool = True, count: int = 4, solution: int = 2) -> Challenge:
    return Challenge(id="rech-1a", skill_name="@rech1", type=ChallengeType.QCU, instruction="Laquelle ?",
                     solution=solution, proposals=tuple(f"réponse {i}" for i in range(1, count + 1)), shuffle=shuffle)


def test_the_same_context_and_challenge_always_give_the_same_order() -> None:
    context = display_context("assessment", "a1b2c3")
    first = permutation(6, context, "rech-1a")
    assert all(permutation(6, context, "rech-1a") == first for _ in range(5))
    # pinned values: a test in progress must not be reordered by a Python upgrade, a restart or PYTHONHASHSEED
    assert permutation(4, display_context("assessment", "x"), "c") == (3, 2, 1, 4)
    assert permutation(6, display_context("certification", 12), "11-req-3a") == (2, 6, 3, 4, 1, 5)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 5, 8])
def test_it_is_a_permutation_of_the_original_indices(count: int) -> None:
    for n in range(50):
        order = permutation(count, display_context("assessment", n), "q")
        assert sorted(order) == list(range(1, count + 1))


def test_contexts_and_challenges_give_different_orders() -> None:
    orders = {permutation(5, display_context("assessment", n), "q") for n in range(200)}
    assert len(orders) > 60  # 120 possible orders of 5 proposals
    by_challenge = {permutation(5, display_context("assessment", "same"), f"q{n}") for n in range(200)}
    assert len(by_challenge) > 60


def test_kinds_of_context_are_kept_apart() -> None:
    # the assessment "7" and the certification course 7 are different learners: they need not share an order
    differing = sum(permutation(6, display_context("assessment", n), "q") != permutation(
        6, display_context("certification", n), "q") for n in range(100))
    assert differing > 90


@pytest.mark.parametrize("count", [2, 3, 4, 6])
def test_the_right_answer_lands_in_every_position_about_equally(count: int) -> None:
    """Over many learners, proposal 2 (where the bank used to put its right answers) is shown in each place
    about 1/count of the time: within 20 % of the expected count over 6,000 seeds (≈ 6 standard deviations)."""
    seeds = 6000
    places = Counter(permutation(count, display_context("assessment", n), "rech-1a").index(2) for n in range(seeds))
    expected = seeds / count
    assert set(places) == set(range(count))
    for place, seen in places.items():
        assert abs(seen - expected) < 0.2 * expected, (place, seen, expected)


def test_every_order_of_three_proposals_occurs_about_equally() -> None:
    seen = Counter(permutation(3, display_context("quick-test", n), "q") for n in range(6000))
    assert len(seen) == 6
    assert all(abs(k - 1000) < 200 for k in seen.values()), seen


def test_shuffle_false_keeps_the_file_order() -> None:
    challenge = _qcu(shuffle=False, count=5)
    for n in range(20):
        assert proposal_order(challenge, display_context("assessment", n)) == (1, 2, 3, 4, 5)


def test_a_challenge_without_proposals_has_no_order() -> None:
    qroc = Challenge(id="q", skill_name="@s1", type=ChallengeType.QROC, instruction="?", solution=("x",))
    assert proposal_order(qroc, "ctx") == ()
    assert displayed_choices(qroc, "ctx") == ()


def test_displayed_choices_pair_each_text_with_its_original_index() -> None:
    challenge = _qcu(count=6)
    context = display_context("assessment", "learner-a")
    choices = displayed_choices(challenge, context)
    assert [index for index, _ in choices] == list(proposal_order(challenge, context))
    assert all(text == challenge.proposals[index - 1] for index, text in choices)
    assert sorted(choices) == [(i, f"réponse {i}") for i in range(1, 7)]


def test_the_right_answer_picked_in_shuffled_display_is_checked_as_before() -> None:
    """A learner clicks the proposal whose text is the right one, wherever it is shown: the value submitted is its
    original index, and checking it gives the same result as in file order."""
    qcu = _qcu(count=5, solution=2)
    qcm = Challenge(id="multi-2a", skill_name="@multi2", type=ChallengeType.QCM, instruction="Lesquelles ?",
                    solution=frozenset({1, 4}), proposals=("un", "deux", "trois", "quatre", "cinq"))
    for n in range(30):
        context = display_context("assessment", n)
        shown = displayed_choices(qcu, context)
        picked = next(index for index, text in shown if text == "réponse 2")
        assert is_correct(qcu, picked) and is_correct(replace(qcu, shuffle=False), picked)
        wrong = next(index for index, text in shown if text != "réponse 2")
        assert not is_correct(qcu, wrong)
        shown_qcm = displayed_choices(qcm, context)
        ticked = frozenset(index for index, text in shown_qcm if text in ("un", "quatre"))
        assert is_correct(qcm, ticked)
        first_two = frozenset(index for index, _ in shown_qcm[:2])
        if first_two != {1, 4}:
            assert not is_correct(qcm, first_two)
