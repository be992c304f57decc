"""Assessments: one test taken by one learner (competence test, campaign, certification)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from engine.answers import AnswerStatus
from engine.selection.base import PastAnswer


class AssessmentType(StrEnum):
    COMPETENCE_EVALUATION = "competence_evaluation"
    CAMPAIGN = "campaign"
    CERTIFICATION = "certification"


class AssessmentState(StrEnum):
    STARTED = "started"
    COMPLETED = "completed"
    ABORTED = "aborted"


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    challenge_id: str
    value: Any  # as given (JSON-serialisable); None when skipped
    status: AnswerStatus
    created_at: datetime
    elapsed_seconds: float | None = None

    def as_past(self) -> PastAnswer:
        return PastAnswer(self.challenge_id, self.status)


@dataclass(frozen=True)
class Assessment:
    id: str
    type: AssessmentType
    target_skills: tuple[str, ...]
    strategy: str
    seed: str
    created_at: datetime
    competence_code: str | None = None
    campaign_participation_id: str | None = None
    improving: bool = False
    state: AssessmentState = AssessmentState.STARTED
    answers: tuple[RecordedAnswer, ...] = field(default_factory=tuple)
    current_challenge_id: str | None = None
    updated_at: datetime | None = None

    @property
    def is_started(self) -> bool:
        return self.state is AssessmentState.STARTED

    @property
    def is_completed(self) -> bool:
        return self.state is AssessmentState.COMPLETED

    def with_answer(self, answer: RecordedAnswer) -> Assessment:
        return replace(self, answers=(*self.answers, answer), updated_at=answer.created_at)

    def past_answers(self) -> tuple[PastAnswer, ...]:
        return tuple(a.as_past() for a in self.answers)
