"""Competence 1.1: a third variant for every skill (issue 16), and the answers pupils type to the new QROC
challenges accepted or refused as intended."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted
from tests.bank_content.variants_helpers import skills_without_three_variants


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_every_skill_of_competence_1_1_has_three_validated_variants(bank):
    assert skills_without_three_variants(bank, "1.1") == []


@pytest.mark.parametrize(("answer", "right"), [
    ('"il faut cultiver notre jardin"', True),
    ('"Il faut cultiver notre jardin"', True),
    ("“il faut cultiver notre jardin”", True),  # phones turn " into curly quotes
    ("il faut cultiver notre jardin", False),  # no quotes: the words anywhere, in any order
    ('"ilfautcultivernotrejardin"', False),
    ('"il faut cultiver notre jardin', False),
])
def test_exact_phrase_needs_the_quotes(bank, answer, right):
    assert accepted(bank, "11-req-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("brevet filetype:pdf", True), ("filetype:pdf brevet", True), ("Brevet FILETYPE:PDF", True),
    ("brevet ext:pdf", True),
    ("brevet filetype: pdf", False),  # a space after the colon: no longer the operator
    ("brevetfiletype:pdf", False), ("brevet pdf", False), ("filetype:pdf", False),
])
def test_filetype_operator_is_written_without_a_space(bank, answer, right):
    assert accepted(bank, "11-req-4c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("140", True), ("140,0", True), ("60", False), ("200", False),
                                               ("90", False)])
def test_exclusion_count_subtracts_the_intersection(bank, answer, right):
    assert accepted(bank, "11-req-6c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("college-exemple.fr", True), ("College-Exemple.fr", True), ("collège-exemple.fr", True),
    ("www.college-exemple.fr", True),
    ("cantine.college-exemple.fr", False), ("cantine", False), ("exemple.fr", False),
])
def test_a_subdomain_belongs_to_the_domain(bank, answer, right):
    assert accepted(bank, "11-url-2d", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("3", True), ("60", False), ("2", False)])
def test_index_lists_every_page(bank, answer, right):
    assert accepted(bank, "11-doc-1c", {"reponse": answer}) is right
