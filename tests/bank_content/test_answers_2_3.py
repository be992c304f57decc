"""Competence 2.3 at depth (issue 16): five tubes, 24 skills, and the new accepted answers checked with the
answers pupils give."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted, depth_problems


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_competence_2_3_has_five_tubes_and_24_skills_with_two_variants_each(bank):
    assert depth_problems(bank, "2.3") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("4", True), ("version 4", True), ("Version 4", True), ("v4", True), ("V 4", True),
    ("5", False), ("3", False), ("1", False), ("version 5", False),
])
def test_revert_to_the_last_version_before_the_vandalism(bank, answer, right):
    assert accepted(bank, "23-wiki-3b", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("B", True), ("b", True), ("colonne B", True), ("Colonne b", True), ("A", False), ("D", False),
])
def test_a_source_goes_in_the_sources_column(bank, answer, right):
    assert accepted(bank, "23-forum-4b", {"reponse": answer}) is right


@pytest.mark.parametrize(("chaque", "quotidien", "right"), [
    ("84", "7", True), (" 84 ", "7", True), ("12", "7", False), ("84", "1", False), ("7", "84", False),
])
def test_notifications_per_message_against_a_daily_digest(bank, chaque, quotidien, right):
    assert accepted(bank, "23-forum-6a", {"chaque": chaque, "quotidien": quotidien}) is right
