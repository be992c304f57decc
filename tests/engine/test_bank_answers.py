"""The T1S tolerance the shipped bank's search questions rely on (teacher's review, issue 16). The bank's own
accepted answers are in tests/bank_content/pupil_answers.py and its other checks in tests/bank_content."""

from __future__ import annotations

from engine.answers import apply_tolerances
from engine.referential import Tolerance


def test_t1s_ignores_case_and_accents_but_keeps_the_spaces():
    assert apply_tolerances("  Souris   -Ordinateur ", {Tolerance.T1S}) == "souris -ordinateur"
    assert apply_tolerances("Été\u00a0 2026", {Tolerance.T1S}) == "ete 2026"
    assert apply_tolerances("- ordinateur", {Tolerance.T1S}) != apply_tolerances("-ordinateur", {Tolerance.T1S})
