"""The order in which a QCU/QCM challenge's proposals are shown (pure).

In file order, the right answer of most multiple-choice items sat in the same place, so a learner could learn
to pick "the 2nd one". Proposals are therefore shown in a permutation seeded by where they are shown (an
assessment, a certification course, a quick test) and by the challenge: the same learner sees the same order
on every reload and re-entry, another learner (another assessment) sees another. A challenge whose list has a
natural order (A–D, "toujours / souvent / jamais", numbered steps) sets `shuffle: false` and keeps it.

Only the display moves: every proposal keeps its ORIGINAL 1-based index, which is what the form submits, so
answer checking, stored answers, scoring, certification and exports never see the permutation.

The permutation sorts the indices by a SHA-256 digest of (context, challenge id, index): each order is as
likely as any other (up to the hash), and it depends neither on Python's `random` implementation nor on
`PYTHONHASHSEED`, so an upgrade or a restart never reorders a test in progress.
"""

from __future__ import annotations

import hashlib

from engine.referential import Challenge, ChallengeType

_SEPARATOR = "\x1f"  # unit separator: no id contains it, so ("a", "b:c") and ("a:b", "c") differ


def display_context(kind: str, ident: object) -> str:
    """The seed of one place where challenges are shown, e.g. `display_context("assessment", id)`; the kind keeps
    an assessment and a certification course with the same number apart."""
    return f"{kind}{_SEPARATOR}{ident}"


def permutation(count: int, context: str, challenge_id: str) -> tuple[int, ...]:
    """The 1-based indices 1..count in display order for this context and challenge."""
    if count < 0:
        raise ValueError("count must be >= 0")

    def key(index: int) -> bytes:
        return hashlib.sha256(f"{context}{_SEPARATOR}{challenge_id}{_SEPARATOR}{index}".encode()).digest()

    return tuple(sorted(range(1, count + 1), key=key))


def proposal_order(challenge: Challenge, context: str) -> tuple[int, ...]:
    """The display order of a challenge's proposals (file order when it says `shuffle: false` or has none)."""
    count = len(challenge.proposals)
    if challenge.type not in (ChallengeType.QCU, ChallengeType.QCM) or not challenge.shuffle:
        return tuple(range(1, count + 1))
    return permutation(count, context, challenge.id)


def displayed_choices(challenge: Challenge, context: str) -> tuple[tuple[int, str], ...]:
    """(original 1-based index, proposal text) pairs in display order: what the choice template iterates."""
    return tuple((index, challenge.proposals[index - 1]) for index in proposal_order(challenge, context))
