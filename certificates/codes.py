"""Verification codes (engine.md §9): `P-` then 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L,
5/S, A, E, U...). Random (`secrets`), checked unique against the stored certificates."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

ALPHABET = "2346789BCDFGHJKMPQRTVWXY"
PREFIX = "P-"
LENGTH = 8
_FORMAT = re.compile(rf"P-[{ALPHABET}]{{{LENGTH}}}")
_SEPARATORS = re.compile(r"[\s\u00a0\u202f._]+")


def new_code(draw: Callable[[str], str] = secrets.choice) -> str:
    return PREFIX + "".join(draw(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str | None:
    """The code a person typed, as stored, or None when it cannot be one: case and spaces are forgiven, and the
    dash may be missing ("p 4bcd 7fgh" → "P-4BCD7FGH"); nothing else is guessed."""
    text = _SEPARATORS.sub("", raw or "").upper().replace("‐", "-").replace("–", "-")
    if len(text) > 32:
        return None
    if not text.startswith(PREFIX) and text.startswith("P") and len(text) == 1 + LENGTH:
        text = PREFIX + text[1:]
    return text if _FORMAT.fullmatch(text) else None
