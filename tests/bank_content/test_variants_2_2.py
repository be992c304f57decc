"""Competence 2.2: a third variant for every skill (issue 16), and the answers pupils type to the new QROC
challenges accepted or refused as intended."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted
from tests.bank_content.variants_helpers import skills_without_three_variants


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_every_skill_of_competence_2_2_has_three_validated_variants(bank):
    assert skills_without_three_variants(bank, "2.2") == []


@pytest.mark.parametrize(("answer", "right"), [("2027", True), ("2026", False), ("2025", False), ("1956", False)])
def test_public_domain_counts_from_the_first_of_january_after_the_death(bank, answer, right):
    assert accepted(bank, "22-droit-4c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("150", True), ("15", False), ("1500", False), ("60", False)])
def test_interactions_from_the_engagement_rate(bank, answer, right):
    assert accepted(bank, "22-audience-4c", {"reponse": answer}) is right


@pytest.mark.parametrize(("day", "month", "right"), [
    ("4", "avril", True), ("04", "Avril", True), ("4", "04", True),
    ("3", "avril", False), ("4", "mars", False), ("5", "avril", False), ("35", "mars", False),
])
def test_expiry_runs_into_the_next_month(bank, day, month, right):
    assert accepted(bank, "22-lien-4c", {"jour": day, "mois": month}) is right


@pytest.mark.parametrize(("director", "host", "right"), [
    ("Sophie Laurent", "HébergeNet", True),
    ("Mme Laurent", "hebergenet sas", True),
    ("Mme Sophie Laurent", "HébergeNet SAS", True),
    ("collège des Tilleuls", "HébergeNet", False),  # the publisher, not the director of the publication
    ("Sophie Laurent", "Marseille", False),
    ("Sophie Laurent", "collège des Tilleuls", False),
])
def test_legal_notice_names_the_director_and_the_host(bank, director, host, right):
    assert accepted(bank, "22-site-5c", {"directrice": director, "hebergeur": host}) is right
