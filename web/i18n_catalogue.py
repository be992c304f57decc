"""The gettext catalogues of the interface (issue 22), kept with Babel.

    web/locales/messages.pot                      the template, extracted from the sources (babel.cfg)
    web/locales/{fr,en}/LC_MESSAGES/messages.po   the words, French first, English; a translator opens these
    web/locales/en/LC_MESSAGES/refusals.po        English texts of refusals whose French is written where raised
    web/locales/*/LC_MESSAGES/*.mo                compiled by `scripts/install.sh` (`pybabel compile`), not kept
                                                  in git; compiled in memory from the .po when absent or older

Message ids are symbolic keys (`campaign.join.title`), not French sentences: the call sites keep their shape
(`t("key", **values)`), several keys are built at run time (`campaign.refusal.{code}`, declared with `N_` in
`web/i18n_keys.py` so that extraction sees them), and a French wording can change without touching every
catalogue. Placeholders are Python's `{name}`; plural entries (`t(key, n=...)`) have msgstr[0] (singular) and
msgstr[1] (plural), chosen by the CLDR rule in `web.i18n.plural_category`.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import logging
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
BABEL_CFG = ROOT / "babel.cfg"
KEYWORDS = {"t": None, "N_": None}  # `t("key", ...)` and `N_("key")` (a key used later, or built at run time)
CATALOGUES = (("messages", "fr"), ("messages", "en"), ("refusals", "en"))
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}
_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
log = logging.getLogger(__name__)


def po_path(domain: str, locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def new_catalogue(domain: str, locale: str | None) -> Catalog:
    catalogue = Catalog(locale=locale, domain=domain, project="Pix LTI", version="1", fuzzy=False,
                        msgid_bugs_address="", copyright_holder="Pix LTI", charset="utf-8",
                        last_translator="Pix LTI", language_team="Pix LTI")
    if locale in PLURAL_FORMS:  # two forms, as the interface has always had (CLDR's French "many" is unused)
        catalogue.mime_headers = [*catalogue.mime_headers, ("Plural-Forms", PLURAL_FORMS[locale])]
    return catalogue


def read(domain: str, locale: str) -> Catalog:
    path = po_path(domain, locale)
    if not path.exists():
        return new_catalogue(domain, locale)
    with path.open("rb") as source:
        return read_po(source, locale=locale, domain=domain)


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def extracted_keys() -> dict[str, list[tuple[str, int]]]:
    """Every message id the sources use (babel.cfg's files, `t` and `N_` calls) and where."""
    with BABEL_CFG.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, list[tuple[str, int]]] = {}
    with contextlib.redirect_stderr(io.StringIO()):  # Babel's notes on f-strings: keys built at run time
        messages = list(extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=()))
    for filename, lineno, message, _comments, _context in messages:
        key = message[0] if isinstance(message, tuple) else message
        if key:
            key = key.removesuffix("#one").removesuffix("#other")  # one form of a plural entry, asked by name
            found.setdefault(key, []).append((filename, lineno))
    return found


def extract_template() -> Catalog:
    """Write web/locales/messages.pot from the sources (what `pybabel extract -F babel.cfg -k t -k N_` does)."""
    template = new_catalogue("messages", None)
    path = LOCALES_DIR / "messages.pot"
    if path.exists():  # keep the header's date: the template changes only when the keys do
        with path.open("rb") as source:
            template.creation_date = read_po(source).creation_date
    for key, places in sorted(extracted_keys().items()):
        template.add(key, locations=places)
    with path.open("wb") as out:
        write_po(out, template, width=120, sort_output=True, omit_header=False, include_lineno=False)
    return template


def compile_all() -> list[Path]:
    """The .mo next to each .po (what `pybabel compile -d web/locales -D messages` and `-D refusals` do)."""
    written = []
    for domain, locale in CATALOGUES:
        target = po_path(domain, locale).with_suffix(".mo")
        with target.open("wb") as out:
            write_mo(out, read(domain, locale))
        written.append(target)
    return written


def load(domain: str, locale: str) -> gettext.NullTranslations:
    """The compiled catalogue; compiled in memory from the .po when the .mo is missing or older (a checkout where
    `scripts/install.sh` has not run since the last edit). No catalogue at all: the keys themselves."""
    po = po_path(domain, locale)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as source:
            return gettext.GNUTranslations(source)
    if not po.exists():
        return gettext.NullTranslations()
    log.info("i18n: %s is missing or older than its .po: compiled in memory (scripts/install.sh compiles it)", mo)
    buffer = io.BytesIO()
    write_mo(buffer, read(domain, locale))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
