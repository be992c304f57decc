"""Answer checking (§2): normalisation, t1/t2/t3 tolerances, and the answer status."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.referential import Challenge, ChallengeType, Tolerance

AnswerValue = str | int | Collection[int] | Mapping[str, str]


class AnswerStatus(StrEnum):
    OK = "ok"
    KO = "ko"
    SKIPPED = "aband"
    TIMED_OUT = "timedout"
    FOCUSED_OUT = "focusedout"

    @property
    def is_ok(self) -> bool:
        return self is AnswerStatus.OK


def pretreat(text: str) -> str:
    """Applied to every answer and accepted answer: Unicode NFC, non-breaking spaces to spaces, trim."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ").replace("\u202f", " ").strip()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def apply_tolerances(text: str, tolerances: Collection[Tolerance]) -> str:
    """Normalise `text` under the t1, t1s and t2 tolerances (t3 acts at comparison time). Idempotent.

    t1 ignores case, accents and every white space; t1s ignores case and accents but keeps one space
    wherever the answer has white space (for search syntax, where `-mot` and `- mot` differ).
    """
    text = pretreat(text)
    if Tolerance.T1 in tolerances:
        text = "".join(_strip_accents(text).lower().split())
    elif Tolerance.T1S in tolerances:
        text = " ".join(_strip_accents(text).lower().split())
    if Tolerance.T2 in tolerances:
        # punctuation removed, then runs of spaces collapsed into one ("a , b" → "a b", as the service does)
        text = " ".join("".join(ch for ch in text if ch.isalnum() or ch == " ").split())
    return text


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def matches_text(answer: str, accepted: Iterable[str], tolerances: Collection[Tolerance],
                 config: EngineConfig = DEFAULT_CONFIG) -> bool:
    given = apply_tolerances(answer, tolerances)
    if not given:
        return False
    candidates = [apply_tolerances(a, tolerances) for a in accepted]
    if given in candidates:
        return True
    if Tolerance.T3 in tolerances:
        best = min(levenshtein(given, c) for c in candidates)
        return best / len(given) <= config.t3_ratio
    return False


def parse_number(text: str) -> Decimal | None:
    """A number as typed by a French or English speaker: spaces ignored, every decimal comma accepted."""
    cleaned = "".join(pretreat(str(text)).split()).replace(",", ".")
    if not cleaned or cleaned.count(".") > 1:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def matches_number(answer: str, accepted: Iterable[str]) -> bool:
    given = parse_number(answer)
    return given is not None and any(given == parse_number(a) for a in accepted)


def parse_indexes(value: AnswerValue) -> frozenset[int] | None:
    """QCU/QCM answers: "2", 2, "1, 3", "1,3" or a collection of ints (1-based)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return frozenset({value})
    if isinstance(value, str):
        parts = [p for p in "".join(value.split()).split(",") if p]
        if not parts or not all(p.isdigit() for p in parts):
            return None
        return frozenset(int(p) for p in parts)
    if isinstance(value, Collection) and not isinstance(value, Mapping):
        items = list(value)
        if not items or not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            return None
        return frozenset(items)
    return None


def _match_one(challenge: Challenge, answer: str, accepted: Iterable[str], config: EngineConfig) -> bool:
    """A number challenge compares numbers; an answer that is not a number falls back to text matching
    under the challenge's tolerances (as the service does: "12 €" matches "12" under t2)."""
    if challenge.numeric and parse_number(answer) is not None:
        return matches_number(answer, accepted)
    return matches_text(answer, accepted, challenge.tolerances, config)


def _dep_assignment(answers: list[str], groups: list[tuple[str, ...]], challenge: Challenge,
                    config: EngineConfig) -> bool:
    """Each input must match a distinct group (bipartite matching, inputs and groups are few)."""
    fits = [[g for g, group in enumerate(groups) if _match_one(challenge, a, group, config)] for a in answers]
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for g in fits[i]:
            if g in seen:
                continue
            seen.add(g)
            if g not in owner or place(owner[g], seen):
                owner[g] = i
                return True
        return False

    return all(place(i, set()) for i in range(len(answers)))


def is_correct(challenge: Challenge, value: AnswerValue, config: EngineConfig = DEFAULT_CONFIG) -> bool:
    """Whether `value` answers `challenge` rightly. Malformed values are simply wrong."""
    sol = challenge.solution
    match challenge.type:
        case ChallengeType.QCU:
            picked = parse_indexes(value)
            return picked is not None and picked == frozenset({sol})
        case ChallengeType.QCM:
            return parse_indexes(value) == sol
        case ChallengeType.QROC:
            if isinstance(value, Mapping):
                value = value.get(challenge.inputs[0].name, "")
            return isinstance(value, str | int) and _match_one(challenge, str(value), sol, config)  # type: ignore[arg-type]
        case ChallengeType.QROCM_IND:
            if not isinstance(value, Mapping):
                return False
            return all(
                isinstance(value.get(name), str) and _match_one(challenge, value[name], accepted, config)
                for name, accepted in sol.items()  # type: ignore[attr-defined]
            )
        case ChallengeType.QROCM_DEP:
            if not isinstance(value, Mapping):
                return False
            answers = [value.get(i.name) for i in challenge.inputs]
            if not all(isinstance(a, str) and pretreat(a) for a in answers):
                return False
            normalised = [apply_tolerances(a, challenge.tolerances) for a in answers]  # type: ignore[arg-type]
            if len(set(normalised)) < len(normalised):  # the same answer given twice counts once
                return False
            return _dep_assignment(answers, list(sol), challenge, config)  # type: ignore[arg-type]
    return False


def answer_status(
    challenge: Challenge,
    value: AnswerValue | None,
    *,
    skipped: bool = False,
    elapsed_seconds: float | None = None,
    focused_out: bool = False,
    certification: bool = False,
    config: EngineConfig = DEFAULT_CONFIG,
) -> AnswerStatus:
    """The status of an answer: skipped ("Je passe"), ok, ko, timed out or focused out.

    A right answer given after the timer is timed out; a right answer given after leaving the page,
    in certification, on a challenge that forbids it, is focused out. Wrong answers stay ko.
    """
    if skipped or value is None:
        return AnswerStatus.SKIPPED
    if not is_correct(challenge, value, config):
        return AnswerStatus.KO
    if challenge.timer is not None and elapsed_seconds is not None and elapsed_seconds > challenge.timer:
        return AnswerStatus.TIMED_OUT
    if certification and challenge.focused and focused_out:
        return AnswerStatus.FOCUSED_OUT
    return AnswerStatus.OK
