"""Competence 3.1 at full depth, its accepted answers tried with the answers pupils give."""

from __future__ import annotations

import pytest

from tests.bank_content.deep_competence import accepts, depth_problems


def test_3_1_has_five_tubes_and_24_skills_with_two_variants_each():
    assert depth_problems("3.1") == []


@pytest.mark.parametrize(("answer", "right"), [
    ({"rechercher": "college", "remplacer": "collège"}, True),
    ({"rechercher": "College", "remplacer": "collège"}, True),
    ({"rechercher": "college", "remplacer": "Collège"}, False),
    ({"rechercher": " college ", "remplacer": "collège "}, True),
    ({"rechercher": "collège", "remplacer": "college"}, False),
    ({"rechercher": "college", "remplacer": "college"}, False),
])
def test_replace_all_needs_the_unaccented_word_then_the_accented_one_in_lower_case(answer, right):
    assert accepts("31-relec-2b", answer) is right


@pytest.mark.parametrize(("answer", "right"), [("2", True), (" 2 ", True), ("3", False), ("4", False)])
def test_whole_words_and_match_case_find_two_cats(answer, right):
    assert accepts("31-relec-3b", answer) is right


@pytest.mark.parametrize(("answer", "right"), [("3", True), ("4", False), ("17", False)])
def test_a_digits_pattern_finds_three_numbers(answer, right):
    assert accepts("31-relec-6b", answer) is right


@pytest.mark.parametrize(("answer", "right"), [
    ({"coautrice": "éditeur", "professeur": "commentateur", "parents": "lecteur"}, True),
    ({"coautrice": "Éditrice", "professeur": "Commentatrice", "parents": "lecteurs"}, True),
    ({"coautrice": "editeur", "professeur": "commentateur.", "parents": "Lectrice"}, True),
    ({"coautrice": "éditeur", "professeur": "éditeur", "parents": "lecteur"}, False),
    ({"coautrice": "éditeur", "professeur": "commentateur", "parents": "commentateur"}, False),
])
def test_sharing_rights_give_each_person_the_least_that_suffices(answer, right):
    assert accepts("31-collab-3a", answer) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Le club se réunit le jeudi à midi.", True), ("le club se reunit le jeudi a midi", True),
    ("Le club se réunit le jeudi à midi !", True),
    ("Le club se réunit le jeudi à 13 h.", False), ("Le club se réunit le mardi à midi.", False),
    ("Le club se réunit le mardi à 13 h.", False),
])
def test_accepting_one_tracked_change_and_refusing_the_other(answer, right):
    assert accepts("31-collab-5a", answer) is right
