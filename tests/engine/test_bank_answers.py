"""Accepted answers of the shipped bank, checked with the answers pupils give (teacher's review, issue 16)."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from engine.answers import apply_tolerances, is_correct
from engine.referential import Tolerance


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def ok(bank, challenge_id: str, value) -> bool:  # type: ignore[no-untyped-def]
    return is_correct(bank.challenges[challenge_id], value)


def test_t1s_ignores_case_and_accents_but_keeps_the_spaces():
    assert apply_tolerances("  Souris   -Ordinateur ", {Tolerance.T1S}) == "souris -ordinateur"
    assert apply_tolerances("Été\u00a0 2026", {Tolerance.T1S}) == "ete 2026"
    assert apply_tolerances("- ordinateur", {Tolerance.T1S}) != apply_tolerances("-ordinateur", {Tolerance.T1S})


@pytest.mark.parametrize("answer", ["droit à l'information", "droit d'être informé", "Droit d’être informée",
                                    "droit au déréférencement", "déréférencement"])
def test_rgpd_rights_include_information_and_dereferencing(bank, answer):
    assert ok(bank, "42-droit-3a", {"droit1": "droit d'accès", "droit2": answer})
    assert ok(bank, "42-droit-3a", {"droit1": answer, "droit2": "droit à l'effacement"})


def test_the_same_rgpd_right_twice_is_still_wrong(bank):
    assert not ok(bank, "42-droit-3a", {"droit1": "droit à l'information", "droit2": "information"})


@pytest.mark.parametrize(("answer", "right"), [
    ("-ordinateur", True), ("souris -ordinateur", True), ("-Ordinateur", True), ("souris  -ordinateur", True),
    ("- ordinateur", False), ("souris - ordinateur", False), ("ordinateur", False),
])
def test_exclusion_operator_needs_the_minus_against_the_word(bank, answer, right):
    assert ok(bank, "11-req-3a", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("cantine site:college-exemple.fr", True), ("site:college-exemple.fr cantine", True),
    ("site:www.college-exemple.fr cantine", True), ("Cantine site:www.college-exemple.fr", True),
    ("cantine site: college-exemple.fr", False), ("cantine site : college-exemple.fr", False),
    ("cantinesite:college-exemple.fr", False), ("cantine college-exemple.fr", False),
])
def test_site_operator_needs_no_space_after_the_colon(bank, answer, right):
    assert ok(bank, "11-req-4a", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("noindex", True), ("noindex, follow", True), ("noindex,follow", True), ("noindex, nofollow", True),
    ("none", True), ("nofollow", False), ("index, follow", False),
])
def test_robots_meta_accepts_noindex_follow(bank, answer, right):
    assert ok(bank, "22-audience-6a", {"reponse": answer}) is right


@pytest.mark.parametrize(("challenge_id", "letter"), [("52-inter-1a", "Z"), ("52-inter-2b", "F")])
def test_shortcuts_accept_the_mac_command_key_but_never_a_bare_letter(bank, challenge_id, letter):
    for answer in (f"Ctrl+{letter}", f"ctrl + {letter.lower()}", f"Ctrl {letter}", f"Command+{letter}",
                   f"Cmd+{letter}", f"Commande + {letter}", f"⌘{letter}", f"⌘+{letter}", f"Contrôle+{letter}"):
        assert ok(bank, challenge_id, {"reponse": answer}), answer
    for answer in (letter, f"+{letter}", "⌘", "Ctrl", f"Alt+{letter}", f"Ctrl+Maj+{letter}"):
        assert not ok(bank, challenge_id, {"reponse": answer}), answer


@pytest.mark.parametrize("answer", ["pilote", "pilotes", "des pilotes", "drivers", "Driver", "un pilote"])
def test_device_drivers_accept_plural_and_english(bank, answer):
    assert ok(bank, "51-sys-4b", {"reponse": answer})


def test_css_colour_accepts_the_feminine(bank):
    assert ok(bank, "34-web-5b", {"couleur": "verte", "taille": "32"})
    assert ok(bank, "34-web-5b", {"couleur": "Vert", "taille": "32 px"})
    assert not ok(bank, "34-web-5b", {"couleur": "violet", "taille": "32"})


def test_referer_question_asks_for_the_full_site_name(bank):
    challenge = bank.challenges["42-trac-6b"]
    assert "nom complet du site" in challenge.instruction
    assert ok(bank, "42-trac-6b", {"reponse": "forum-cyclisme.exemple.org"})
    assert not ok(bank, "42-trac-6b", {"reponse": "boutique.exemple.fr"})


def test_the_bank_defines_the_domain_name_once(bank):
    url2 = bank.skills["@rechercheUrl2"].tutorial.text
    https4 = bank.skills["@connexionChiffrement4"].tutorial.text
    assert "deux derniers éléments" in url2 and "deux derniers éléments" in https4
    assert "juste avant le premier «" not in https4


def test_cropping_question_does_not_give_the_verb(bank):
    instruction = bank.challenges["32-img-1b"].instruction
    assert "coup" not in instruction and "rogn" not in instruction and "recadr" not in instruction
    assert ok(bank, "32-img-1b", {"reponse": "recadrer"})
