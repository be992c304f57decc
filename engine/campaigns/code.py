"""Campaign codes (§7): 9 characters, 6 upper-case letters then 3 digits, from a readable alphabet.

The alphabet leaves out the characters people confuse when they copy a code from a board: no I, L, O
among the letters, no 0, 1 among the digits. Typed codes are normalised (case, spaces, dashes) first.
"""

from __future__ import annotations

import random
import re

LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
DIGITS = "23456789"
LETTER_COUNT = 6
DIGIT_COUNT = 3
CODE_LENGTH = LETTER_COUNT + DIGIT_COUNT
_PATTERN = re.compile(f"[{LETTERS}]{{{LETTER_COUNT}}}[{DIGITS}]{{{DIGIT_COUNT}}}")
_IGNORED = re.compile(r"[\s\-_.]+")


def generate_code(rng: random.Random) -> str:
    """A new code drawn from `rng` (the caller checks uniqueness and draws again on a collision)."""
    letters = "".join(rng.choice(LETTERS) for _ in range(LETTER_COUNT))
    digits = "".join(rng.choice(DIGITS) for _ in range(DIGIT_COUNT))
    return letters + digits


def normalise_code(typed: str) -> str | None:
    """The code as stored, from what a person typed ("abcdef 234", "ABC-DEF-234"); None when it cannot be one."""
    if len(typed) > 64:
        return None
    candidate = _IGNORED.sub("", typed).upper()
    return candidate if is_valid_code(candidate) else None


def is_valid_code(code: str) -> bool:
    return _PATTERN.fullmatch(code) is not None
