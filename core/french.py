"""French counts for the texts the command line writes (it speaks French only; the web pages use the gettext
catalogues of web/locales): "1 envoi", "0 envoi", "3 envois", never "envoi(s)". French puts 0 and 1 in the
singular (CLDR: i = 0,1)."""

from __future__ import annotations


def is_singular(n: float) -> bool:
    """French's "one" form: 0, 1 and anything in between (0,5 heure)."""
    return abs(n) < 2


def count(n: float, singular: str, plural: str) -> str:
    """`n` followed by the word in the form French gives it: count(1, "envoi", "envois") -> "1 envoi"."""
    return f"{n} {singular if is_singular(n) else plural}"


def agree(n: float, singular: str, plural: str) -> str:
    """The word alone, agreeing with `n` (an adjective or participle further in the sentence)."""
    return singular if is_singular(n) else plural
