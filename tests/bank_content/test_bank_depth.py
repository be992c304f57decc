"""The depth of the shipped bank (issue 16), checked bank-wide rather than competence by competence: every
competence at full depth, every active skill with three validated variants (certification v2 asks variants of
skills a pupil already validated, v3 draws from every validated challenge), and right proposals that do not give
themselves away by their length."""

from __future__ import annotations

import re

import pytest

from tests.bank_content.bank_checks import (
    clearly_longest_right_proposals,
    depth_problems,
    right_is_longest,
    shipped_bank,
    skills_with_fewer_variants,
)

COMPETENCES = sorted(shipped_bank().competences)


def test_the_bank_has_its_sixteen_competences():
    assert len(COMPETENCES) == 16


def test_every_active_skill_of_the_bank_has_three_validated_variants():
    assert skills_with_fewer_variants(shipped_bank(), 3) == []


@pytest.mark.parametrize("code", COMPETENCES)
def test_competence_has_five_tubes_and_24_skills_with_a_tutorial_and_two_variants_each(code: str):
    assert depth_problems(shipped_bank(), code) == []


@pytest.mark.parametrize("code", COMPETENCES)
def test_the_right_proposal_is_not_systematically_the_longest(code: str):
    """Before the review 42 of the 69 new QCU of 1.1–2.2 (46 of 82 in 2.3–3.3) had a right proposal over 1.3 times
    as long as any other; at most one in six may now (a complete message or a URL parameter is longer by nature)."""
    longest, total = clearly_longest_right_proposals(shipped_bank(), code)
    assert total >= 5
    assert len(longest) <= total // 6, longest


def test_the_right_answer_of_the_third_variants_qcu_of_3_4_to_5_2_is_not_given_away_by_its_length():
    """The longest proposal is the right one in at most 60 % of these QCU (the older items: about 70 %); the page
    shuffles proposals, but not their lengths."""
    new_qcu = [c for c in shipped_bank().challenges.values()
               if re.fullmatch(r"(34|41|42|43|51|52)-[a-z]+-\dc", c.id) and c.type.value == "QCU"]
    assert new_qcu
    assert sum(map(right_is_longest, new_qcu)) <= 0.6 * len(new_qcu)
