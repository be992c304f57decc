"""Competence 3.3 at full depth, its accepted answers tried with the answers pupils give."""

from __future__ import annotations

import pytest

from tests.bank_content.deep_competence import accepts, depth_problems


def test_3_3_has_five_tubes_and_24_skills_with_two_variants_each():
    assert depth_problems("3.3") == []


@pytest.mark.parametrize(("answer", "right"), [("55", True), ("55,0", True), ("44", False), ("39", False),
                                               ("55 %", False)])
def test_a_checkbox_percentage_is_counted_on_the_people_who_answered(answer, right):
    assert accepts("33-quest-5a", answer) is right


@pytest.mark.parametrize(("answer", "right"), [("2,9", True), ("2.9", True), ("2,90", True), ("2,5", False),
                                               ("3", False)])
def test_a_scale_mean_weights_each_mark_by_its_answers(answer, right):
    assert accepts("33-quest-6a", answer) is right

