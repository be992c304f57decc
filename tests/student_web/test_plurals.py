"""Real plurals in both catalogues: `t(key, n=)` picks the form of the count, French and English rules."""

from __future__ import annotations

import re

from web.i18n import LOCALES, catalogue_keys, plural_category, translator


def test_french_counts_zero_and_one_as_singular_english_only_one() -> None:
    assert [plural_category("fr", n) for n in (0, 1, 1.5, 2, 12)] == ["one", "one", "one", "other", "other"]
    assert [plural_category("en", n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert plural_category("fr", "{n}") == "other"  # not a count: the general form


def test_a_count_chooses_the_form_in_each_language() -> None:
    fr, en = translator("fr"), translator("en")
    assert fr("action.available_in", n=1) == "Retenter : disponible dans 1 jour"
    assert fr("action.available_in", n=4) == "Retenter : disponible dans 4 jours"
    assert en("action.available_in", n=1) == "Try again: available in 1 day"
    assert en("action.available_in", n=0) == "Try again: available in 0 days"
    assert fr("chrono.allowed", n=30) == "Vous aurez 30 secondes pour répondre."


def test_no_catalogue_text_writes_a_plural_with_parentheses() -> None:
    for locale in LOCALES:
        bad = {key: texts for key, texts in catalogue_keys(locale).items()
               if any(re.search(r"\w\((s|e|es)\)", text) for text in texts)}
        assert not bad, (locale, bad)


def test_every_plural_key_has_both_forms_in_both_languages() -> None:
    french, english = catalogue_keys("fr"), catalogue_keys("en")
    plural = {key for key, texts in french.items() if len(texts) > 1}
    assert "action.available_in" in plural and "test.timer_seconds" in plural
    assert {key for key, texts in english.items() if len(texts) > 1} == plural
    assert all(all(texts) and len(texts) == 2 for texts in (*french.values(), *english.values()) if len(texts) > 1)
    assert translator("en")("test.timer_seconds#one") == "{n} second"  # one form by name, for a page's script
