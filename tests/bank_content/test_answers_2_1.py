"""Competence 2.1 at depth (issue 16): five tubes, 24 skills, and the new accepted answers checked with the
answers pupils give."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted, depth_problems


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_competence_2_1_has_five_tubes_and_24_skills_with_two_variants_each(bank):
    assert depth_problems(bank, "2.1") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("@", True), (" @ ", True), ("arobase", True), ("Arobase", True), ("arrobase", True), ("@nom", True),
    ("#", False), ("&", False), ("+", False), ("a", False),
])
def test_mention_sign_accepts_the_character_or_its_name(bank, answer, right):
    assert accepted(bank, "21-instant-2b", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("3", True), ("3,0", True), ("4", False), ("3,5", False), ("4,2", False),
])
def test_videos_that_fit_in_the_bandwidth_are_a_whole_number(bank, answer, right):
    assert accepted(bank, "21-visio-6a", {"reponse": answer}) is right


def test_end_to_end_encryption_questions_do_not_promise_protection_against_screenshots(bank):
    instant_4b = bank.challenges["21-instant-4b"]
    assert "transport" in instant_4b.proposals[instant_4b.solution - 1]
    instant_6b = bank.challenges["21-instant-6b"]
    assert "capture" not in instant_6b.proposals[instant_6b.solution - 1]
