"""Where a candidate's test stands, from its stored rows: the engine's record, the question count, the next
challenge (v3: the flash algorithm over the bank's pool; v2: the planned challenges in order). Pure.

A challenge whose live alert the invigilator validated is neutralised and replaced: it leaves the score and the
test gets one more question in its place (so a v3 test may have 32 + n answers, n of them neutralised).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from engine.answers import AnswerStatus
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG, CertificationConfig
from engine.certification.records import (
    CertificationAnswer,
    CertificationRecord,
    CertificationVersion,
    EndReason,
)
from engine.certification.v3 import ChallengePool, next_challenge_v3
from engine.referential import Challenge


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    challenge_id: str
    status: str


@dataclass(frozen=True, slots=True)
class TestFacts:
    """What the rows of one certification course say, in the engine's words."""
    __test__ = False  # a domain name, not a pytest class

    version: str
    seed: str
    certification_date: date
    answers: tuple[StoredAnswer, ...]
    neutralised: frozenset[str]  # challenges of validated live alerts
    end_reason: str | None = None
    accessibility_adjustment: bool = False
    excluded_challenge_ids: frozenset[str] = frozenset()
    planned: tuple[str, ...] = ()  # v2: the planned challenge ids, in order


def record_of(facts: TestFacts) -> CertificationRecord:
    return CertificationRecord(
        version=CertificationVersion(facts.version),
        certification_date=facts.certification_date,
        seed=facts.seed,
        answers=tuple(CertificationAnswer(a.challenge_id, AnswerStatus(a.status)) for a in facts.answers),
        end=EndReason(facts.end_reason) if facts.end_reason else None,
        neutralised=facts.neutralised & {a.challenge_id for a in facts.answers},
        accessibility_adjustment=facts.accessibility_adjustment,
        excluded_challenge_ids=facts.excluded_challenge_ids,
    )


def test_length(facts: TestFacts, config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> int:
    """Questions the candidate is asked in all: v3, 32 plus one per replaced challenge; v2, the planned ones (a
    neutralised challenge of the fixed plan is not replaced: the rule table counts it as neutralised)."""
    if facts.version == CertificationVersion.V3:
        return config.flash.maximum_length + len(facts.neutralised)
    return len(facts.planned)


def next_challenge(pool: ChallengePool, facts: TestFacts,
                   config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> Challenge | None:
    """The next question, or None when the test has nothing more to ask."""
    answered = {a.challenge_id for a in facts.answers}
    if facts.version == CertificationVersion.V2:
        for challenge_id in facts.planned:
            if challenge_id not in answered and challenge_id in pool.referential.challenges:
                return pool.referential.challenges[challenge_id]
        return None
    options = replace(config.flash, maximum_length=test_length(facts, config))
    return next_challenge_v3(pool, replace(record_of(facts), end=None), options)


def neutralised_from_alerts(alerts: Iterable[tuple[str | None, str | None]]) -> frozenset[str]:
    """(challenge id, resolution) of a course's live alerts → the challenges neutralised by validation."""
    return frozenset(c for c, resolution in alerts if c and resolution == "validated")


def answered_count(answers: Sequence[StoredAnswer], neutralised: frozenset[str]) -> int:
    """The question number shown to the candidate and the invigilator counts replaced challenges out."""
    return sum(1 for a in answers if a.challenge_id not in neutralised)
