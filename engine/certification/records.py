"""What a certification test is made of: its answers, how it ended, its neutralised challenges.

Plain data in, plain data out. Neutralising or de-neutralising returns a new record; scoring it again
(`v3.score_v3`, `v2.score_v2`) is the rescoring.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from engine.answers import AnswerStatus


class CertificationVersion(StrEnum):
    V2 = "v2"
    V3 = "v3"


class EndReason(StrEnum):
    COMPLETED = "completed"  # every question answered
    TIME_UP = "time_up"  # 1 h 45 (plus extra time) ran out
    ABORTED_CANDIDATE = "candidate"  # abort reason "candidate": the candidate left
    ABORTED_TECHNICAL = "technical"  # abort reason "technical": a technical problem stopped the test


class CertificationStatus(StrEnum):
    VALIDATED = "validated"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class CertificationError(Exception):
    """A request the certification rules refuse; `code` is stable for adapters."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class CertificationAnswer:
    challenge_id: str
    status: AnswerStatus


def counts_as_correct(status: AnswerStatus, accessibility_adjustment: bool) -> bool:
    """Right answers count; a focused-out answer (right, but given after leaving the page on a challenge
    that forbids it) counts as wrong, unless the candidate has an accessibility adjustment (assistive
    software takes the focus). Skipped and timed-out answers are wrong."""
    return status is AnswerStatus.OK or (status is AnswerStatus.FOCUSED_OUT and accessibility_adjustment)


@dataclass(frozen=True)
class CertificationRecord:
    """One candidate's certification test as it stands.

    `seed` makes every choice of the engine reproducible (the same record always gives the same next
    challenge and the same simulated skips); `excluded_challenge_ids` are challenges the candidate has
    already seen elsewhere (a previous certification), avoided while others remain.
    """

    version: CertificationVersion
    certification_date: date
    seed: str
    answers: tuple[CertificationAnswer, ...] = ()
    end: EndReason | None = None
    neutralised: frozenset[str] = frozenset()
    accessibility_adjustment: bool = False
    locale: str = "fr-fr"
    excluded_challenge_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def answered_ids(self) -> tuple[str, ...]:
        return tuple(a.challenge_id for a in self.answers)

    def is_correct(self, answer: CertificationAnswer) -> bool:
        return counts_as_correct(answer.status, self.accessibility_adjustment)

    def with_answer(self, challenge_id: str, status: AnswerStatus) -> CertificationRecord:
        if self.end is not None:
            raise CertificationError("test_ended", "this certification test is over")
        if challenge_id in self.answered_ids:
            raise CertificationError("already_answered", f"challenge {challenge_id} is already answered")
        return replace(self, answers=(*self.answers, CertificationAnswer(challenge_id, status)))

    def ended(self, reason: EndReason) -> CertificationRecord:
        if self.end is not None:
            raise CertificationError("test_ended", "this certification test is already over")
        return replace(self, end=reason)


def neutralise(record: CertificationRecord, challenge_id: str) -> CertificationRecord:
    """An incident neutralises a challenge: its answer leaves the estimation and the score."""
    _require_answered(record, challenge_id)
    if challenge_id in record.neutralised:
        raise CertificationError("already_neutralised", f"challenge {challenge_id} is already neutralised")
    return replace(record, neutralised=record.neutralised | {challenge_id})


def deneutralise(record: CertificationRecord, challenge_id: str) -> CertificationRecord:
    """The jury undoes a neutralisation: the answer counts again."""
    _require_answered(record, challenge_id)
    if challenge_id not in record.neutralised:
        raise CertificationError("not_neutralised", f"challenge {challenge_id} is not neutralised")
    return replace(record, neutralised=record.neutralised - {challenge_id})


def _require_answered(record: CertificationRecord, challenge_id: str) -> None:
    if challenge_id not in record.answered_ids:
        raise CertificationError("not_in_test", f"challenge {challenge_id} was not asked in this test")


class IncidentCategory(StrEnum):
    """Incidents reported by the invigilator (§9), as the service's certification issue reports."""

    IMAGE_NOT_DISPLAYING = "image_not_displaying"
    EMBED_NOT_WORKING = "embed_not_working"
    FILE_NOT_OPENING = "file_not_opening"
    WEBSITE_UNAVAILABLE = "website_unavailable"
    WEBSITE_BLOCKED = "website_blocked"
    LINK_NOT_WORKING = "link_not_working"
    SOFTWARE_NOT_WORKING = "software_not_working"
    TECHNICAL_PROBLEM = "technical_problem"
    EXTRA_TIME_EXCEEDED = "extra_time_exceeded"
    FRAUD = "fraud"
    LATE_OR_LEAVING = "late_or_leaving"
    OTHER = "other"


# A problem inside the challenge that stopped the candidate from answering it: neutralised automatically
# when its answer is not right (a right answer is kept: neutralising it would only cost the candidate).
AUTO_NEUTRALISING = frozenset({
    IncidentCategory.IMAGE_NOT_DISPLAYING, IncidentCategory.EMBED_NOT_WORKING, IncidentCategory.FILE_NOT_OPENING,
    IncidentCategory.WEBSITE_UNAVAILABLE, IncidentCategory.WEBSITE_BLOCKED, IncidentCategory.LINK_NOT_WORKING,
    IncidentCategory.SOFTWARE_NOT_WORKING, IncidentCategory.TECHNICAL_PROBLEM,
})


@dataclass(frozen=True, slots=True)
class Incident:
    category: IncidentCategory
    challenge_id: str | None = None  # the challenge concerned, for in-challenge incidents


def apply_incidents(record: CertificationRecord, incidents: Iterable[Incident]) -> CertificationRecord:
    """Neutralise automatically what the incidents allow; the others are left to the jury."""
    answers = {a.challenge_id: a for a in record.answers}
    neutralised = set(record.neutralised)
    for incident in incidents:
        answer = answers.get(incident.challenge_id or "")
        if incident.category in AUTO_NEUTRALISING and answer is not None and not record.is_correct(answer):
            neutralised.add(answer.challenge_id)
    return replace(record, neutralised=frozenset(neutralised))


def scored_answers(record: CertificationRecord) -> Sequence[CertificationAnswer]:
    """The answers that count: neutralised challenges left out."""
    return tuple(a for a in record.answers if a.challenge_id not in record.neutralised)


def max_reachable_level_on(day: date, schedule: Sequence[tuple[date, int]]) -> int:
    """The maximum reachable level in force on `day` (the latest entry starting on or before it)."""
    level = None
    for start, value in schedule:
        if start <= day:
            level = value
    if level is None:
        raise CertificationError("no_max_level", f"no maximum reachable level is defined on {day.isoformat()}")
    return level


def time_limit(started_at: datetime, extra_time_percent: int, duration_minutes: int = 105) -> datetime:
    """When the test ends for lack of time: 1 h 45 (`duration_minutes`) plus the candidate's extra time
    (a percentage of it, set at enrolment). The engine has no clock: the caller compares with its `now`."""
    if not 0 <= extra_time_percent <= 100:
        raise CertificationError("invalid_extra_time", "extra time must be a percentage within 0..100")
    return started_at + timedelta(minutes=duration_minutes * (100 + extra_time_percent) / 100)


def is_time_up(started_at: datetime, now: datetime, extra_time_percent: int = 0, duration_minutes: int = 105) -> bool:
    return now >= time_limit(started_at, extra_time_percent, duration_minutes)
