"""The one parser of request values (path, query string, form fields): typed and bounded.

Every parser returns the value, or None when it is missing or unusable (NUL bytes and other control
characters, lone surrogates, Unicode digits such as `²`, numbers beyond a database integer, texts beyond
their bound). The caller answers None with a 4xx page; no request value reaches `int()`, the database or the
file system unchecked. `same_secret` compares tokens as bytes (a non-ASCII token is simply wrong, never a 500).
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Iterable

from starlette.convertors import Convertor, register_url_convertor

MAX_ID = 2**31 - 1  # a PostgreSQL `integer` primary key
_DIGITS = re.compile(r"[0-9]{1,10}")
_TOKEN = re.compile(r"[A-Za-z0-9_.~-]+")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


def bounded_int(raw: object, low: int, high: int) -> int | None:
    """An integer written in ASCII digits (an optional leading minus), within [low, high]."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        negative = text.startswith("-")
        digits = text[1:] if negative else text
        if not _DIGITS.fullmatch(digits):
            return None
        value = -int(digits) if negative else int(digits)
    else:
        return None
    return value if low <= value <= high else None


def record_id(raw: object) -> int | None:
    """The id of a stored row: 1 to 2³¹ − 1."""
    return bounded_int(raw, 1, MAX_ID)


def id_list(raw: object, max_items: int = 500) -> list[int] | None:
    """Comma-separated record ids ("3,5,8"); None when any part is not one or there are too many."""
    if not isinstance(raw, str):
        return None
    parts = [p for p in raw.split(",") if p.strip()]
    if len(parts) > max_items:
        return None
    ids = [record_id(p) for p in parts]
    return None if any(i is None for i in ids) else [i for i in ids if i is not None]


def token(raw: object, max_length: int = 64) -> str | None:
    """An opaque identifier from a path or query (assessment, participation, launch, challenge ids): URL-safe
    ASCII only."""
    if not isinstance(raw, str) or not 0 < len(raw) <= max_length or not _TOKEN.fullmatch(raw):
        return None
    return raw


def text(raw: object, max_length: int) -> str | None:
    """A line of text as typed (a code, a name to look up): no control or format characters, at most
    `max_length` characters once trimmed."""
    if not isinstance(raw, str):
        return None
    value = raw.strip()
    if len(value) > max_length or any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in value):
        return None
    return value


def texts(raws: Iterable[object], max_length: int, max_items: int) -> list[str] | None:
    """Several values of one field (checkboxes): each a `text`; None when any is not, or too many."""
    values = list(raws)
    if len(values) > max_items:
        return None
    parsed = [text(v, max_length) for v in values]
    return None if any(p is None for p in parsed) else [p for p in parsed if p is not None]


def file_name(raw: object) -> str | None:
    """A file name of a shipped folder: ASCII letters, digits, `_ . -`, no leading dot, 128 characters at most."""
    return raw if isinstance(raw, str) and _FILE_NAME.fullmatch(raw) and ".." not in raw else None


def same_secret(expected: str, given: object) -> bool:
    """Constant-time comparison of a secret token with what the request sent (bytes, so any text is safe)."""
    if not isinstance(given, str) or not given or not expected:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "surrogatepass"))


class DigitsConvertor(Convertor[str]):
    """`{name:digits}` in a route: up to 32 ASCII digits, handed over as text for `record_id` (Starlette's own
    `int` convertor calls `int()` on any length of digits)."""

    regex = "[0-9]{1,32}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("digits", DigitsConvertor())
