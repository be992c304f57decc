"""Competence 4.3 at full depth, its accepted answers tried with the answers pupils give."""

from __future__ import annotations

import pytest

from tests.bank_content.deep_competence import accepts, depth_problems, shipped_bank


def test_4_3_has_five_tubes_and_24_skills_with_two_variants_each():
    assert depth_problems("4.3") == []


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("43-energ-3a", "180", True), ("43-energ-3a", "0,18", False), ("43-energ-3a", "63", False),
    ("43-energ-3b", "1", True), ("43-energ-3b", "1,0", True), ("43-energ-3b", "1000", False),
    ("43-energ-3b", "60", False),
    ("43-energ-4a", "87,6", True), ("43-energ-4a", "87.6", True), ("43-energ-4a", "87600", False),
    ("43-energ-4a", "240", False),
    ("43-energ-4b", "29,2", True), ("43-energ-4b", "29.20", True), ("43-energ-4b", "58,4", False),
    ("43-energ-5a", "21,9", True), ("43-energ-5a", "21,90", True), ("43-energ-5a", "21", False),
    ("43-energ-6a", "96", True), ("43-energ-6a", "4", False), ("43-energ-6a", "99", False),
    ("43-pegi-3a", "3", True), ("43-pegi-3a", "3,00", True), ("43-pegi-3a", "30", False),
    ("43-pegi-3a", "2", False),
])
def test_energy_is_power_times_time_and_prices_are_worked_out(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


def test_the_appliance_table_question_does_not_give_the_computed_energies():
    assert all("Wh" not in p for p in shipped_bank().challenges["43-energ-5b"].proposals)
