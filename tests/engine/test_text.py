"""Free text made safe to store and show: NFC, no control or format characters, cut to the column."""

from __future__ import annotations

import pytest

from engine.text import clean_name, clean_text, storable_identifier


@pytest.mark.parametrize("raw,expected", [
    ("  Camille   Durand ", "Camille Durand"),
    ("Zoe\u0301", "Zoé"),  # decomposed é made NFC
    ("evil\u202etxt.exe", "eviltxt.exe"),  # right-to-left override
    ("a\u2066b\u2069c\u200bd\ufeff", "abcd"),  # isolates, zero-width space, BOM
    ("nul\x00byte\x07", "nulbyte"),
    ("lone\ud800surrogate", "lonesurrogate"),
    ("ligne\nsuivante\ttab", "ligne suivante tab"),
    ("\u202e\x00 ", None),
    ("", None),
    (None, None),
    (42, None),
])
def test_clean_name_keeps_one_clean_line(raw: object, expected: str | None) -> None:
    assert clean_name(raw, 255) == expected


def test_clean_name_cuts_to_the_column_in_characters() -> None:
    cleaned = clean_name("é" * 600, 255)
    assert cleaned == "é" * 255


def test_clean_text_keeps_line_breaks_and_drops_the_rest() -> None:
    assert clean_text("un\x00\n\u202edeux  trois\r\n", 100) == "un\ndeux trois"


@pytest.mark.parametrize("value,ok", [
    ("12345", True), ("user-1@moodle", True), ("x" * 255, True), ("x" * 256, False), ("", False),
    ("a\x00b", False), ("a\ud800", False), ("a\u202eb", False), ("a\nb", False),
])
def test_storable_identifier(value: str, ok: bool) -> None:
    assert storable_identifier(value, 255) is ok
