"""The codes of a session (engine.md §9): the access code given to candidates (4 letters from
`BCDFGHJKMPQRTVWXY` then 2 digits from `2346789`: no vowel, no look-alike characters), the invigilator's
6-character password, and the numeric session number. Drawn from `secrets`: none of them may be guessed."""

from __future__ import annotations

import re
import secrets

ACCESS_CODE_LETTERS = "BCDFGHJKMPQRTVWXY"
ACCESS_CODE_DIGITS = "2346789"
PASSWORD_ALPHABET = ACCESS_CODE_DIGITS + ACCESS_CODE_LETTERS
SESSION_NUMBER_MIN = 100_000
SESSION_NUMBER_MAX = 9_999_999

ACCESS_CODE = re.compile(f"[{ACCESS_CODE_LETTERS}]{{4}}[{ACCESS_CODE_DIGITS}]{{2}}")
PASSWORD = re.compile(f"[{PASSWORD_ALPHABET}]{{6}}")


def new_access_code() -> str:
    return ("".join(secrets.choice(ACCESS_CODE_LETTERS) for _ in range(4))
            + "".join(secrets.choice(ACCESS_CODE_DIGITS) for _ in range(2)))


def new_invigilator_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(6))


def new_session_number() -> int:
    """A candidate session number; the caller checks it is not taken (the column is unique)."""
    return SESSION_NUMBER_MIN + secrets.randbelow(SESSION_NUMBER_MAX - SESSION_NUMBER_MIN + 1)


def normalised_code(typed: str) -> str:
    """What a person typed, as codes are stored: spaces and dashes dropped, upper case."""
    return re.sub(r"[\s-]", "", typed).upper()


def is_access_code(code: str) -> bool:
    return ACCESS_CODE.fullmatch(code) is not None


def is_invigilator_password(password: str) -> bool:
    return PASSWORD.fullmatch(password) is not None
