"""Competence 2.2 at depth (issue 16): five tubes, 24 skills, and the new accepted answers checked with the
answers pupils give."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted, depth_problems


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_competence_2_2_has_five_tubes_and_24_skills_with_two_variants_each(bank):
    assert depth_problems(bank, "2.2") == []


@pytest.mark.parametrize("coautrice", ["modification", "Modifier", "droit de modification", "éditrice", "Editeur"])
@pytest.mark.parametrize("reader", ["lecture", "Lecture seule", "lire", "lectrice", "consultation"])
def test_sharing_rights_accept_the_words_pupils_use(bank, coautrice, reader):
    assert accepted(bank, "22-lien-2b", {"coautrice": coautrice, "parents": reader, "classe": reader})


@pytest.mark.parametrize(("coautrice", "parents", "classe"), [
    ("lecture", "lecture", "lecture"), ("modification", "modification", "lecture"),
    ("modification", "lecture", "modification"), ("propriétaire", "lecture", "lecture"),
])
def test_sharing_rights_refuse_too_much_or_too_little(bank, coautrice, parents, classe):
    assert not accepted(bank, "22-lien-2b", {"coautrice": coautrice, "parents": parents, "classe": classe})


@pytest.mark.parametrize(("answer", "right"), [("24", True), ("24 ", True), ("23", False), ("25", False)])
def test_link_expiry_day(bank, answer, right):
    assert accepted(bank, "22-lien-4b", {"reponse": answer}) is right


@pytest.mark.parametrize(("membres", "public", "right"), [
    ("oui", "oui", True), ("Oui", " OUI ", True), ("non", "oui", False), ("oui", "non", False),
])
def test_a_shared_folder_shares_what_is_added_to_it(bank, membres, public, right):
    assert accepted(bank, "22-lien-6a", {"membres": membres, "public": public}) is right


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("22-site-2b", "2", True), ("22-site-2b", "5", False), ("22-site-2b", "1", False),
    ("22-site-4b", "16", True), ("22-site-4b", "4", False), ("22-site-4b", "8", False),
])
def test_numbers_read_or_computed(bank, challenge_id, answer, right):
    assert accepted(bank, challenge_id, {"reponse": answer}) is right
