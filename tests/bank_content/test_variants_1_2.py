"""Competence 1.2: a third variant for every skill (issue 16), and the answers pupils type to the new QROC
challenges accepted or refused as intended."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted
from tests.bank_content.variants_helpers import skills_without_three_variants


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_every_skill_of_competence_1_2_has_three_validated_variants(bank):
    assert skills_without_three_variants(bank, "1.2") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("pdf", True), (".pdf", True), ("PDF", True), ("version-finale.pdf", False), ("version-finale", False),
])
def test_extension_follows_the_last_dot(bank, answer, right):
    assert accepted(bank, "12-arbo-1c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Histoire", True), ("histoire", True), ("le dossier Histoire", True), ("Collège", False),
    ("Documents", False),
])
def test_parent_folder_is_the_nearest_one(bank, answer, right):
    assert accepted(bank, "12-arbo-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("css/style.css", True), ("./css/style.css", True), ("../css/style.css", False), ("style.css", False),
])
def test_relative_path_from_the_site_root_goes_down_only(bank, answer, right):
    assert accepted(bank, "12-arbo-4c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("cours-*.odt", True), ("COURS-*.ODT", True), ("*.odt", False), ("cours-?.odt", False), ("cours*", False),
])
def test_pattern_with_a_star_in_the_middle(bank, answer, right):
    assert accepted(bank, "12-arbo-6c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("50", True), ("50,0", True), ("300", False), ("250", False)])
def test_free_space_after_copying(bank, answer, right):
    assert accepted(bank, "12-unite-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("15,5", True), ("15.5", True), ("15", False), ("155", False),
                                               ("9", False)])
def test_csv_decimal_comma_inside_semicolon_separated_values(bank, answer, right):
    assert accepted(bank, "12-format-5c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Téléchargements", True), ("telechargements", True), ("Downloads", True), ("le dossier Téléchargements", True),
    ("Documents", False), ("Bureau", False), ("Corbeille", False),
])
def test_default_download_folder(bank, answer, right):
    assert accepted(bank, "12-retrouver-1c", {"reponse": answer}) is right
