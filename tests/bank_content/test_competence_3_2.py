"""Competence 3.2 at full depth, its accepted answers tried with the answers pupils give."""

from __future__ import annotations

import pytest

from tests.bank_content.deep_competence import accepts, depth_problems


def test_3_2_has_five_tubes_and_24_skills_with_two_variants_each():
    assert depth_problems("3.2") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("fondu en ouverture", True), ("Fondu d'ouverture", True), ("fondu en entrée", True), ("fade in", True),
    ("Fade-in", True), ("fondu en ouvertur", True),
    ("fondu en fermeture", False), ("fade out", False), ("fondu", False), ("amplification", False),
])
def test_a_rising_start_is_a_fade_in(answer, right):
    assert accepts("32-son-3b", answer) is right


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("32-son-4b", "176400", True), ("32-son-4b", "176 400", True), ("32-son-4b", "88200", False),
    ("32-son-5a", "1764000", True), ("32-son-5a", "1 764 000", True), ("32-son-5a", "176400", False),
    ("32-son-5b", "5760000", True), ("32-son-5b", "5 760 000", True), ("32-son-5b", "11520000", False),
    ("32-son-6b", "11", True), ("32-son-6b", "11,025", False), ("32-son-6b", "8", False),
])
def test_sound_sizes_are_rate_times_bytes_times_channels_times_seconds(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("plan large", True), ("Plan d'ensemble", True), ("plan général", True), ("plan de grand ensemble", True),
    ("gros plan", False), ("plan moyen", False), ("plan rapproché", False),
])
def test_the_whole_village_is_a_wide_shot(answer, right):
    assert accepts("32-tourn-3b", answer) is right


@pytest.mark.parametrize(("answer", "right"), [("3,2", True), ("3.2", True), ("3.20", True), ("3", False),
                                               ("7,4", False)])
def test_a_subtitle_lasts_from_its_start_to_its_end(answer, right):
    assert accepts("32-tourn-5a", answer) is right


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("32-tourn-6a", "00:01:17,500", True), ("32-tourn-6a", "00:01:17.500", True),
    ("32-tourn-6a", " 00:01:17,500", True),
    ("32-tourn-6a", "00:01:13,500", False), ("32-tourn-6a", "00:03:15,500", False),
    ("32-tourn-6b", "00:01:59,700", True), ("32-tourn-6b", "00:02:02,700", False),
    ("32-tourn-6b", "00:02:59,700", False),
    ("32-tourn-6b", "00:01:99,700", False),
])
def test_shifting_subtitles_carries_seconds_into_minutes(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right
