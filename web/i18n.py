"""The interface's words in French (default) and English; challenge content itself stays French.

The words live in gettext catalogues kept with Babel (`web/locales`, see `web.i18n_catalogue` and the README's
"Translations" section): `t = translator(locale)`, then `t("key", **values)`, `t("key", n=count)` for an entry with
plural forms. `MESSAGES` below is only an inbox for words still written the old way (a branch begun before the
catalogues): they are read before the catalogues, `scripts/i18n_import_dict.py` moves them into the `.po` files, and
tests/student_web/test_catalogues.py fails while any is left.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping
from functools import cache

from web import i18n_catalogue
from web.certificate_texts import TEXTS as CERTIFICATE_TEXTS

LOCALES = ("fr", "en")


def normalise_locale(value: object) -> str:
    """"en-GB", "en_US", "EN" -> "en"; anything else (missing, unknown) -> "fr"."""
    if isinstance(value, str):
        language = value.strip().replace("_", "-").split("-")[0].lower()
        if language in LOCALES:
            return language
    return "fr"


# The inbox of old-style words ("key": text, "key#one" / "key#other" for plural forms): empty once imported.
MESSAGES: dict[str, dict[str, str]] = {"fr": {}, "en": {}}


@cache
def catalogue(locale: str) -> gettext.NullTranslations:
    """The compiled catalogue of a locale; English falls back to French (a word not yet translated)."""
    found = i18n_catalogue.load("messages", locale)
    if locale != "fr":
        found.add_fallback(catalogue("fr"))
    return found


def catalogue_keys(locale: str) -> dict[str, tuple[str, ...]]:
    """Every key of a locale's catalogue (its own, not the fallback's) with its text(s): for tests and tools."""
    entries: dict[str, list[str]] = {}
    for key, text in getattr(i18n_catalogue.load("messages", locale), "_catalog", {}).items():
        if isinstance(key, tuple):
            entries.setdefault(key[0], []).append(text)
        elif key:  # "" is the catalogue's header
            entries.setdefault(key, []).append(text)
    return {key: tuple(texts) for key, texts in entries.items()}


class _EnglishRefusals(Mapping[str, str]):
    """English texts of refusals whose French text is written where they are raised (the `refusals` catalogue)."""

    def __getitem__(self, key: str) -> str:
        return _refusal_texts()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_refusal_texts())

    def __len__(self) -> int:
        return len(_refusal_texts())


@cache
def _refusal_texts() -> dict[str, str]:
    found = i18n_catalogue.load("refusals", "en")
    return {k: v for k, v in getattr(found, "_catalog", {}).items() if isinstance(k, str) and k}


ENGLISH_REFUSALS: Mapping[str, str] = _EnglishRefusals()


def plural_category(locale: str, n: object) -> str:
    """The CLDR plural category of a count: French says "1 jour", "0 jour" and "2 jours" (0 and 1 are
    singular), English "1 day" but "0 days"."""
    if not isinstance(n, int | float) or isinstance(n, bool):
        return "other"
    if locale == "fr":
        return "one" if 0 <= n < 2 else "other"
    return "one" if n == 1 else "other"


_FORM_COUNT = {"one": 1, "other": 2}  # a count that picks msgstr[0] / msgstr[1] in both catalogues' Plural-Forms


def _text(locale: str, key: str, form: str | None) -> str | None:
    """The text of a key (one plural form if `form`), from the inbox then the catalogue; None if unknown."""
    if MESSAGES["fr"] or MESSAGES.get(locale):  # words still in the old-style inbox (none once imported)
        for inbox in (MESSAGES.get(locale, {}), MESSAGES["fr"]):
            pending = inbox.get(f"{key}#{form}" if form else key)
            if pending:
                return pending
    translations = catalogue(locale if locale in LOCALES else "fr")
    if form is not None:
        text = translations.ngettext(key, key, _FORM_COUNT[form])
        if text != key:
            return text
    text = translations.gettext(key)
    return None if text == key else text


class Translator:
    """`t(key, **values)`: the text in this locale, else in French, else the key itself; never an error (a text
    whose placeholders do not match the values is shown as written). With a count `n`, a key with plural forms
    gives the form of that count in this locale (CLDR rule, `plural_category`); `t("key#one")` / `t("key#other")`
    asks for one form by name (a page's script fills the count in). `t.bank(code, name)`: a content bank's
    interface word in this locale."""

    __slots__ = ("locale",)

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else "fr"

    def __call__(self, key: str, **values: object) -> str:
        base, _, form = key.partition("#")
        if not form and "n" in values:
            form = plural_category(self.locale, values["n"])
        text = _text(self.locale, base, form or None) or key
        if not values:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text

    def bank(self, code: object, name: str) -> str:
        """The name of a domain ("1") or a competence ("1.1") of the content bank in this locale: in French the
        bank's own (the content is French), in English `bank.domain.<code>` / `bank.competence.<code>` of the
        catalogue, else the French name (a code the catalogue does not know yet)."""
        if self.locale == "fr" or not isinstance(code, str):
            return name
        kind = "competence" if "." in code else "domain"
        return _text(self.locale, f"bank.{kind}.{code}", None) or name


def translator(locale: str) -> Translator:
    return Translator(locale)


for _locale, _texts in CERTIFICATE_TEXTS.items():  # inbox of issue 20's certificate and verification pages
    MESSAGES[_locale].update(_texts)


def _merge_context_words() -> None:
    """Contexts' pages kept their words in their own module: inboxes too, read like `MESSAGES`."""
    from web.certification.messages import EN as test_day_en
    from web.certification.messages import FR as test_day_fr
    from web.certification.words import WORDS as certification_words

    for locale, words in certification_words.items():
        MESSAGES[locale].update(words)
    MESSAGES["fr"].update(test_day_fr)  # the test day's (candidate and invigilator pages)
    MESSAGES["en"].update(test_day_en)


_merge_context_words()
