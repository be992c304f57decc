"""Competence 5.1 at full depth, its accepted answers tried with the answers pupils give; the log file a
challenge asks to open is the one its answers come from."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from content_bank.loader import DEFAULT_BANK
from tests.bank_content.deep_competence import accepts, depth_problems, shipped_bank

LOG = "media/5.1-journal-sauvegarde.csv"


def test_5_1_has_five_tubes_and_24_skills_with_two_variants_each():
    assert depth_problems("5.1") == []


def log_rows() -> list[dict[str, str]]:
    text = (Path(DEFAULT_BANK) / LOG).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


def test_the_log_challenges_offer_the_log_file_to_download():
    for challenge_id in ("51-appli-6a", "51-appli-6b"):
        assert shipped_bank().challenges[challenge_id].attachments == (LOG,)


def test_the_first_error_of_the_log_is_the_expected_answer():
    first = next(row for row in log_rows() if row["niveau"] == "ERREUR")
    assert accepts("51-appli-6a", {"date": first["date"], "heure": first["heure"]})
    warning = next(row for row in log_rows() if row["niveau"] == "AVERTISSEMENT")
    assert "92" in warning["message"] and warning["date"] < first["date"]


@pytest.mark.parametrize(("answer", "right"), [
    ({"date": "2026-11-18", "heure": "08:02:13"}, True),
    ({"date": "18/11/2026", "heure": "8:02:13"}, True),  # a spreadsheet shows ISO dates in the French format
    ({"date": " 2026-11-18", "heure": "08 h 02 min 13 s"}, True),
    ({"date": "2026-11-17", "heure": "08:02:57"}, False),  # the warning, not the first error
    ({"date": "2026-11-19", "heure": "08:00:03"}, False),  # the last error
    ({"date": "2026-11-18", "heure": "08:02:14"}, False),
])
def test_first_error_answers(answer, right):
    assert accepts("51-appli-6a", answer) is right


@pytest.mark.parametrize(("answer", "right"), [("4", True), ("8", False), ("16", False), ("3", False)])
def test_halving_16_extensions_takes_four_tries(answer, right):
    assert accepts("51-appli-4b", answer) is right
