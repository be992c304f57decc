"""Competence 1.3: a third variant for every skill (issue 16), and the answers pupils type to the new QROC
challenges accepted or refused as intended."""

from __future__ import annotations

import csv

import pytest

from content_bank.loader import DEFAULT_BANK, default_referential
from tests.bank_content.depth_helpers import accepted
from tests.bank_content.variants_helpers import skills_without_three_variants


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_every_skill_of_competence_1_3_has_three_validated_variants(bank):
    assert skills_without_three_variants(bank, "1.3") == []


@pytest.mark.parametrize(("answer", "right"), [("41", True), ("42", False), ("43", False)])
def test_copied_numbers_do_not_follow_the_cell(bank, answer, right):
    assert accepted(bank, "13-form-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("22", True), ("47", False), ("11", False)])
def test_semicolon_lists_two_cells_not_a_range(bank, answer, right):
    assert accepted(bank, "13-form-3c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Alerte", True), ("alerte", True), ('"Alerte"', True), ("ALERTE", True),
    ("OK", False), ("1", False), ("VRAI", False),
])
def test_condition_on_a_count(bank, answer, right):
    assert accepted(bank, "13-form-5c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("Adam", True), ("adam", True), ("Hugo", False), ("Zoé", False),
                                               ("Martin", False)])
def test_second_sort_key_only_breaks_ties(bank, answer, right):
    assert accepted(bank, "13-tri-3c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("25", True), ("-25", True), ("20", False), ("33", False)])
def test_decrease_is_measured_from_the_starting_value(bank, answer, right):
    assert accepted(bank, "13-graph-5c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("26", True), ("21", False), ("41", False), ("50", False)])
def test_pivot_table_sums_the_matching_rows(bank, answer, right):
    assert accepted(bank, "13-graph-6c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("4", True), ("5", False), ("3", False)])
def test_count_ignores_blanks_but_counts_zeros(bank, answer, right):
    assert accepted(bank, "13-struct-5c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("11", True), ("11,0", True), ("10", False), ("12", False),
                                               ("11.67", False)])
def test_median_of_an_even_count(bank, answer, right):
    assert accepted(bank, "13-indic-3c", {"reponse": answer}) is right


def test_unserved_meals_match_the_attached_file(bank):
    with open(DEFAULT_BANK / "media" / "1.3-cantine-repas.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    unserved = sum(int(r["repas_reserves"]) - int(r["repas_servis"]) for r in rows)
    assert accepted(bank, "13-indic-5c", {"reponse": str(unserved)})
    assert not accepted(bank, "13-indic-5c", {"reponse": str(unserved + 1)})


@pytest.mark.parametrize(("answer", "right"), [("13", True), ("12", False), ("26", False), ("10", False)])
def test_weighted_mean_solved_for_the_missing_mark(bank, answer, right):
    assert accepted(bank, "13-indic-6c", {"reponse": answer}) is right
