"""Competence 1.3 at depth (issue 16): five tubes, 24 skills, a data file to download and open, and the new
accepted answers checked with the answers pupils give."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from content_bank.loader import DEFAULT_BANK, default_referential
from tests.bank_content.depth_helpers import accepted, depth_problems

CANTINE = DEFAULT_BANK / "media" / "1.3-cantine-repas.csv"


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def _cantine() -> list[dict[str, str]]:
    with Path(CANTINE).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def test_competence_1_3_has_five_tubes_and_24_skills_with_two_variants_each(bank):
    assert depth_problems(bank, "1.3") == []


def test_the_cantine_questions_attach_the_file_they_ask_about(bank):
    for challenge_id in ("13-indic-5a", "13-indic-5b"):
        assert bank.challenges[challenge_id].attachments == ("media/1.3-cantine-repas.csv",)


def test_the_expected_answers_are_those_of_the_attached_file(bank):
    rows = _cantine()
    assert len(rows) == 20
    busiest = max(rows, key=lambda r: int(r["repas_servis"]))
    assert accepted(bank, "13-indic-5a", {"reponse": busiest["date"]})
    fridays = sum(int(r["repas_servis"]) for r in rows if r["jour"] == "vendredi")
    assert accepted(bank, "13-indic-5b", {"reponse": str(fridays)})


@pytest.mark.parametrize(("answer", "right"), [
    ("30/03/2026", True), ("30/03", True), ("30 mars", True), ("Lundi 30 mars", True), ("30-03-2026", True),
    ("lundi 30/03", True), ("31/03/2026", False), ("lundi", False), ("03/30/2026", False),
])
def test_busiest_day_accepts_the_ways_pupils_write_a_date(bank, answer, right):
    assert accepted(bank, "13-indic-5a", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("1526", True), ("1 526", True), ("1525", False), ("6340", False)])
def test_friday_total(bank, answer, right):
    assert accepted(bank, "13-indic-5b", {"reponse": answer}) is right


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("13-indic-2a", "40", True), ("13-indic-2a", "40 %", True), ("13-indic-2a", "40%", True),
    ("13-indic-2a", "0,4", False), ("13-indic-2a", "10", False),
    ("13-indic-4a", "25", True), ("13-indic-4a", "+25", True), ("13-indic-4a", "+25 %", True),
    ("13-indic-4a", "25,0", True), ("13-indic-4a", "-25", False), ("13-indic-4a", "20", False),
    ("13-indic-4a", "300", False),
])
def test_percentages_accept_the_percent_sign_pupils_type(bank, challenge_id, answer, right):
    assert accepted(bank, challenge_id, {"reponse": answer}) is right


@pytest.mark.parametrize(("moyenne", "mediane", "right"), [
    ("120", "75", True), ("120 ", "75", True), ("75", "120", False), ("120", "90", False),
])
def test_mean_and_median_with_an_extreme_value(bank, moyenne, mediane, right):
    assert accepted(bank, "13-indic-3a", {"moyenne": moyenne, "mediane": mediane}) is right


@pytest.mark.parametrize(("vide", "zero", "right"), [
    ("14", "10,5", True), ("14", "10.5", True), ("10,5", "14", False), ("14", "14", False),
])
def test_empty_cell_is_ignored_by_the_mean_but_zero_counts(bank, vide, zero, right):
    assert accepted(bank, "13-struct-5a", {"vide": vide, "zero": zero}) is right


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("13-struct-1b", "3", True), ("13-struct-1b", "2", False),
    ("13-struct-3a", "20", True), ("13-struct-3a", "38", False),
    ("13-struct-5b", "4", True), ("13-struct-5b", "6", False), ("13-struct-5b", "3", False),
    ("13-indic-1a", "35", True), ("13-indic-1a", "39", False),
    ("13-indic-6b", "12,5", True), ("13-indic-6b", "12.5", True), ("13-indic-6b", "13,33", False),
    ("13-indic-6b", "13", False),
])
def test_numbers_read_or_computed_from_the_tables(bank, challenge_id, answer, right):
    assert accepted(bank, challenge_id, {"reponse": answer}) is right
