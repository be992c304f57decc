"""Competence 2.1: a third variant for every skill (issue 16), and the answers pupils type to the new QROC
challenges accepted or refused as intended."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted
from tests.bank_content.variants_helpers import skills_without_three_variants


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_every_skill_of_competence_2_1_has_three_validated_variants(bank):
    assert skills_without_three_variants(bank, "2.1") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("sami.benali", True), ("Sami.Benali", True), ("sami.benali@", True),
    ("sami.benali@mairie-exemple.fr", False), ("mairie-exemple.fr", False), ("sami", False),
])
def test_identifier_is_the_part_before_the_at_sign(bank, answer, right):
    assert accepted(bank, "21-mail-1c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("4", True), ("3", False), ("2", False), ("5", False)])
def test_or_rule_and_contains_inside_a_longer_word(bank, answer, right):
    assert accepted(bank, "21-filtre-5c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("1,1", True), ("1.1", True), ("1,10", True), ("1", False),
                                               ("2,9", False), ("0,9", False)])
def test_upload_left_for_the_camera(bank, answer, right):
    assert accepted(bank, "21-visio-6c", {"reponse": answer}) is right


@pytest.mark.parametrize(("teacher", "mother", "right"), [
    ("À", "Cc", True), ("A", "cc", True), ("a", "CC", True), ("champ À", "copie", True),
    ("À", "Cci", False),  # hidden: the teacher would not see that the mother is informed
    ("Cc", "À", False), ("Cci", "Cc", False), ("À", "copie cachée", False),
])
def test_visible_copy_goes_in_cc(bank, teacher, mother, right):
    assert accepted(bank, "21-mail-2c", {"professeure": teacher, "mere": mother}) is right
