"""Competence 4.2 at full depth, its accepted answers tried with the answers pupils give."""

from __future__ import annotations

import pytest

from tests.bank_content.deep_competence import accepts, depth_problems


def test_4_2_has_five_tubes_and_24_skills_with_two_variants_each():
    assert depth_problems("4.2") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("trois ans", True), ("3 ans", True), ("3", True), ("Trois ans.", True), ("3 années", True),
    ("un an", False), ("30 ans", False), ("3 mois", False), ("jusqu'à la fin de l'abonnement", False),
])
def test_the_retention_period_is_read_from_the_policy(answer, right):
    assert accepts("42-polit-2a", answer) is right
