"""Competence 1.2 at depth (issue 16): five tubes, 24 skills, and the new accepted answers checked with the
answers pupils give."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted, depth_problems


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_competence_1_2_has_five_tubes_and_24_skills_with_two_variants_each(bank):
    assert depth_problems(bank, "1.2") == []


@pytest.mark.parametrize(("separator", "right"), [
    (";", True), ("point-virgule", True), ("Point virgule", True), ("le point-virgule", True),
    (",", False), ("virgule", False), (":", False),
])
def test_csv_separator_accepts_the_sign_or_its_name(bank, separator, right):
    assert accepted(bank, "12-format-5a", {"separateur": separator, "eleves": "3"}) is right


@pytest.mark.parametrize(("count", "right"), [("3", True), ("trois", True), ("4", False), ("2", False)])
def test_csv_header_line_is_not_a_pupil(bank, count, right):
    assert accepted(bank, "12-format-5a", {"separateur": ";", "eleves": count}) is right


@pytest.mark.parametrize(("answer", "right"), [("2", True), ("2,0", True), ("1", False), ("6", False)])
def test_gps_metadata_counts_latitude_and_longitude(bank, answer, right):
    assert accepted(bank, "12-format-6a", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("photo-classe.jpg", True), ("Photo-classe.JPG", True), ("exposé-volcans.odt", False), ("notes.ods", False),
])
def test_largest_file_first_when_sorted_by_size(bank, answer, right):
    assert accepted(bank, "12-retrouver-2b", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Sciences", True), ("sciences", True), ("Documents", False), ("Physique", False),
])
def test_search_starts_from_the_lowest_folder_that_contains_every_candidate(bank, answer, right):
    assert accepted(bank, "12-retrouver-3b", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("3", True), ("4", False), ("2", False)])
def test_tag_search_counts_every_file_carrying_the_tag(bank, answer, right):
    assert accepted(bank, "12-retrouver-5b", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("IMG_0457.jpg", True), ("img_0457.jpg", True), ("IMG_0457", True), ("IMG 0457.jpg", True), ("IMG-0457", True),
    ("plage-retouchee.jpg", False), ("plage.jpg", False),
])
def test_exact_duplicate_is_the_file_with_the_same_fingerprint(bank, answer, right):
    assert accepted(bank, "12-retrouver-6b", {"reponse": answer}) is right
