"""Free text from outside (names, titles, labels) made safe to store and to show: one set of rules for every door.

- `clean_name`: one line — Unicode NFC, control and format characters removed (NUL, bidi overrides such as
  U+202E, zero-width characters, lone surrogates), white space runs made one space,
  trimmed, cut to the column's length (in characters, as PostgreSQL counts). Empty → None.
- `clean_text`: the same for several lines (line breaks kept).
- `storable_identifier`: identifiers are never altered (they key accounts and links): one that cannot be stored
  as it is (too long, control or format characters, surrogates) is refused by the caller.
"""

from __future__ import annotations

import re
import unicodedata

# Cc control, Cf format (bidi overrides and isolates, zero-width joiners, BOM...), Cs lone surrogates:
_REMOVED = frozenset({"Cc", "Cf", "Cs"})
_KEPT_IN_TEXT = frozenset("\n")
_SPACES = re.compile(r"[^\S\n]+")


def _strip(value: str, keep: frozenset[str]) -> str:
    """White space (tabs, line breaks not in `keep`) becomes a space; other removed categories go."""
    return "".join(c if c in keep or unicodedata.category(c) not in _REMOVED else " " if c.isspace() else ""
                   for c in value)


def _nfc(value: str) -> str:
    try:
        return unicodedata.normalize("NFC", value)
    except UnicodeError:  # pragma: no cover - normalize never raises on str, kept for safety
        return value


def clean_name(value: object, max_length: int) -> str | None:
    """A one-line free-text name, safe to store in a column of `max_length` characters; None when empty."""
    if not isinstance(value, str):
        return None
    text = _strip(_nfc(value), frozenset())
    text = " ".join(text.split())
    text = text[:max_length].rstrip()
    return text or None


def clean_text(value: object, max_length: int) -> str | None:
    """Free text of several lines (a description): as `clean_name`, line breaks kept."""
    if not isinstance(value, str):
        return None
    text = _strip(_nfc(value).replace("\r\n", "\n"), _KEPT_IN_TEXT)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    text = text[:max_length].rstrip()
    return text or None


def storable_identifier(value: str, max_length: int) -> bool:
    """True when `value` can be stored as it is in a column of `max_length` characters and compared exactly."""
    if not value or len(value) > max_length:
        return False
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in value)
