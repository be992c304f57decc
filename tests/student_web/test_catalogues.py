"""The gettext catalogues (web/locales) against the sources: every key the code or a template uses is translated in
French and English, no catalogue keeps a key nothing uses, the template (.pot) is the sources' extraction, and no
word waits in an old-style dict (issue 22)."""

from __future__ import annotations

import io

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from web import i18n, i18n_catalogue

LOCALES = ("fr", "en")


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[tuple[str, int]]]:
    return i18n_catalogue.extracted_keys()


def _ids(catalogue) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue if m.id}


def test_every_key_of_the_sources_is_in_both_catalogues_and_no_catalogue_keeps_an_unused_key(extracted) -> None:
    assert len(extracted) > 700 and "campaign.join.title" in extracted and "card.status.started" in extracted
    for locale in LOCALES:
        catalogue = _ids(i18n_catalogue.read("messages", locale))
        missing = {key: extracted[key][:2] for key in set(extracted) - catalogue}
        assert not missing, f"{locale}: keys used in the sources but missing from messages.po: {missing}"
        unused = sorted(catalogue - set(extracted))
        assert not unused, (f"{locale}: keys no source uses (remove them, or declare a key built at run time in "
                            f"web/i18n_keys.py): {unused}")


def test_the_template_is_the_extraction_of_the_sources(extracted) -> None:
    with (i18n_catalogue.LOCALES_DIR / "messages.pot").open("rb") as source:
        template = _ids(read_po(source))
    assert template == set(extracted), ("web/locales/messages.pot is out of date: "
                                        ".venv/bin/python scripts/i18n_import_dict.py (or pybabel extract)")


def test_every_entry_is_translated_with_the_same_placeholders_in_both_languages() -> None:
    french = {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in i18n_catalogue.read("messages", "fr") if m.id}
    english = {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in i18n_catalogue.read("messages", "en") if m.id}
    for locale, entries in (("fr", french), ("en", english)):
        for key, message in entries.items():
            texts = message.string if isinstance(message.string, tuple | list) else (message.string,)
            assert all(texts) and not message.fuzzy, f"{locale}: {key} is not translated"
    for key, message in french.items():
        other = english[key]
        assert isinstance(message.id, tuple) == isinstance(other.id, tuple), f"{key}: plural in one language only"
        fr_texts = message.string if isinstance(message.string, tuple | list) else (message.string,)
        en_texts = other.string if isinstance(other.string, tuple | list) else (other.string,)
        assert set().union(*map(i18n_catalogue.placeholders, fr_texts)) == set().union(
            *map(i18n_catalogue.placeholders, en_texts)), f"{key}: placeholders differ between French and English"
    refusals = i18n_catalogue.read("refusals", "en")
    assert len(refusals) > 50 and all(m.string for m in refusals if m.id)


def test_no_word_waits_in_an_old_style_dict() -> None:
    waiting = {locale: sorted(words) for locale, words in i18n.MESSAGES.items() if words}
    assert not waiting, f"words still in an old-style dict: run .venv/bin/python scripts/i18n_import_dict.py {waiting}"


def test_the_catalogues_compile_and_plural_forms_are_two_in_both_languages() -> None:
    for domain, locale in i18n_catalogue.CATALOGUES:
        catalogue = i18n_catalogue.read(domain, locale)
        assert catalogue.num_plurals == 2, (domain, locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue)
        assert len(buffer.getvalue()) > 1000
    assert i18n.translator("fr")("card.level", level=3) == "Niveau 3"
    assert i18n.translator("en")("card.level", level=3) == "Level 3"


def test_the_content_banks_domain_and_competence_names_exist_in_english() -> None:
    from content_bank.loader import default_referential

    referential = default_referential()
    english, french = i18n.translator("en"), i18n.translator("fr")
    french_entries = i18n.catalogue_keys("fr")
    for code, competence in referential.competences.items():
        assert french.bank(code, competence.name) == competence.name  # French: the bank's own words
        assert english.bank(code, competence.name) != competence.name, code
        assert french_entries[f"bank.competence.{code}"] == (competence.name,), "fr.po differs from the bank"
    for domain in referential.domains:
        code = domain.code
        assert english.bank(code, domain.name) != domain.name, code
        assert french_entries[f"bank.domain.{code}"] == (domain.name,), "fr.po differs from the bank"
    assert english.bank("1.1", "x") == "Searching and monitoring information"
    assert english.bank("9.9", "Nouvelle compétence") == "Nouvelle compétence"  # unknown yet: the French name


def test_a_missing_or_stale_mo_is_compiled_in_memory_from_its_po(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    for locale in LOCALES:
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(i18n_catalogue.po_path("messages", locale), target / "messages.po")
    monkeypatch.setattr(i18n_catalogue, "LOCALES_DIR", tmp_path)
    assert not (tmp_path / "en" / "LC_MESSAGES" / "messages.mo").exists()
    assert i18n_catalogue.load("messages", "en").gettext("card.level") == "Level {level}"  # no .mo: from the .po

    stale = i18n_catalogue.new_catalogue("messages", "en")
    stale.add("card.level", "Old words")
    mo = tmp_path / "en" / "LC_MESSAGES" / "messages.mo"
    with mo.open("wb") as out:
        write_mo(out, stale)
    import os

    po_time = (tmp_path / "en" / "LC_MESSAGES" / "messages.po").stat().st_mtime
    os.utime(mo, (po_time - 60, po_time - 60))  # older than its .po: ignored
    assert i18n_catalogue.load("messages", "en").gettext("card.level") == "Level {level}"
    os.utime(mo, (po_time + 60, po_time + 60))  # newer: used as compiled
    assert i18n_catalogue.load("messages", "en").gettext("card.level") == "Old words"
    assert i18n_catalogue.load("messages", "de").gettext("card.level") == "card.level"  # no catalogue at all
