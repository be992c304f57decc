"""The competence test lifecycle (§6): start, answer, end, reset after 7 days, retry after 4 days.

Pure functions over plain data: they receive the referential, the learner's knowledge elements and
assessments, `now` and ids/seeds chosen by the caller, and return what to store. The rules live here,
not in the user interface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from engine.answers import AnswerStatus, AnswerValue, answer_status
from engine.assessment import Assessment, AssessmentState, AssessmentType, RecordedAnswer
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.knowledge import (
    KnowledgeElement,
    KnowledgeSource,
    KnowledgeStatus,
    assessed_skills,
    current_knowledge,
    knowledge_elements_for_answer,
    reset_elements,
)
from engine.referential import Challenge, Referential
from engine.scoring import Scorecard, build_scorecard
from engine.selection import SelectionContext, get_strategy


class LifecycleError(Exception):
    """A request the rules refuse; `code` is stable for adapters to turn into messages."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class Refusal(StrEnum):
    UNKNOWN_COMPETENCE = "unknown_competence"
    ALREADY_COMPLETED = "already_completed"
    NOT_STARTED = "not_started"
    TEST_FINISHED = "test_finished"
    NOT_CURRENT_CHALLENGE = "not_current_challenge"
    RESET_TOO_EARLY = "reset_too_early"
    NOTHING_TO_RESET = "nothing_to_reset"
    RETRY_TOO_EARLY = "retry_too_early"
    RETRY_AT_MAX_LEVEL = "retry_at_max_level"
    RETRY_NOT_COMPLETED = "retry_not_completed"


@dataclass(frozen=True)
class LearnerRecord:
    """What the engine needs to know of a learner: knowledge elements (append order) and assessments."""

    knowledge_elements: Sequence[KnowledgeElement]
    assessments: Sequence[Assessment]
    seen_challenge_ids: frozenset[str] = frozenset()
    locale: str = "fr-fr"

    def competence_assessments(self, code: str) -> list[Assessment]:
        return sorted(
            (a for a in self.assessments
             if a.type is AssessmentType.COMPETENCE_EVALUATION and a.competence_code == code),
            key=lambda a: a.created_at,
        )


@dataclass(frozen=True, slots=True)
class CompetenceProgress:
    in_progress: Assessment | None
    completed: bool
    last_activity: datetime | None


def competence_progress(record: LearnerRecord, code: str) -> CompetenceProgress:
    tests = record.competence_assessments(code)
    elements = [ke for ke in record.knowledge_elements if ke.competence_code == code]
    last_activity = max((ke.created_at for ke in elements), default=None)
    last_reset = max((ke.created_at for ke in elements if ke.status is KnowledgeStatus.RESET), default=None)
    in_progress = next((a for a in reversed(tests) if a.is_started), None)
    completed = any(
        a.is_completed and (last_reset is None or (a.updated_at or a.created_at) > last_reset) for a in tests
    )
    return CompetenceProgress(in_progress, completed, last_activity)


def scorecard(referential: Referential, record: LearnerRecord, code: str, now: datetime,
              config: EngineConfig = DEFAULT_CONFIG, state: Mapping[str, KnowledgeElement] | None = None
              ) -> Scorecard:
    """A competence's scorecard; pass `state` (current knowledge) when computing many at once."""
    progress = competence_progress(record, code)
    return build_scorecard(
        referential, code, current_knowledge(record.knowledge_elements) if state is None else state,
        test_in_progress=progress.in_progress is not None, test_completed=progress.completed,
        last_activity=progress.last_activity, now=now, config=config,
    )


def target_skills_of_competence(referential: Referential, code: str) -> tuple[str, ...]:
    if code not in referential.competences:
        raise LifecycleError(Refusal.UNKNOWN_COMPETENCE, f"unknown competence {code!r}")
    return tuple(s.name for s in referential.active_skills_by_competence.get(code, ()))


@dataclass(frozen=True)
class Step:
    """An assessment as it now stands, with the challenge to show (None when the test is over)."""

    assessment: Assessment
    challenge: Challenge | None
    new_knowledge_elements: tuple[KnowledgeElement, ...] = ()
    status: AnswerStatus | None = None


def selection_context(referential: Referential, assessment: Assessment, record: LearnerRecord, now: datetime,
             config: EngineConfig) -> SelectionContext:
    """What the selection strategy sees for this assessment (competence or campaign test)."""
    state = current_knowledge(record.knowledge_elements)
    # when improving, the age of failures is measured at the test's creation (as the service does), so the
    # skills open again stay the same for the whole test
    assessed = assessed_skills(state, now=assessment.created_at, improving=assessment.improving,
                               retry_delay_days=config.retry_delay_days)
    # within the assessment itself, every skill already met is assessed
    assessed |= {ke.skill_name for ke in record.knowledge_elements if ke.assessment_id == assessment.id}
    return SelectionContext(
        referential=referential, target_skills=assessment.target_skills, state=state,
        assessed=frozenset(assessed), answers=assessment.past_answers(), seed=assessment.seed,
        locale=record.locale, seen_challenge_ids=record.seen_challenge_ids,
    )


def advance(referential: Referential, assessment: Assessment, record: LearnerRecord, now: datetime,
             config: EngineConfig) -> Assessment:
    """Pick the next challenge, or complete the assessment when none is left."""
    strategy = get_strategy(assessment.strategy, config)
    challenge = strategy.next_challenge(selection_context(referential, assessment, record, now, config))
    if challenge is None:
        return replace(assessment, state=AssessmentState.COMPLETED, current_challenge_id=None, updated_at=now)
    return replace(assessment, current_challenge_id=challenge.id)


def start_competence_test(
    referential: Referential, record: LearnerRecord, code: str, *, now: datetime, assessment_id: str,
    seed: str, strategy: str = "smart-random", config: EngineConfig = DEFAULT_CONFIG,
) -> Step:
    """Start the competence test, or resume the one in progress ("Commencer" / "Reprendre")."""
    targets = target_skills_of_competence(referential, code)
    progress = competence_progress(record, code)
    if progress.in_progress is not None:
        current = progress.in_progress
        return Step(current, referential.challenges.get(current.current_challenge_id or ""))
    if progress.completed:
        raise LifecycleError(Refusal.ALREADY_COMPLETED,
                             "this competence test is completed: retry or reset it when allowed")
    return _begin(referential, record, code, targets, now=now, assessment_id=assessment_id, seed=seed,
                  strategy=strategy, improving=False, config=config)


def retry_competence_test(
    referential: Referential, record: LearnerRecord, code: str, *, now: datetime, assessment_id: str,
    seed: str, strategy: str = "smart-random", config: EngineConfig = DEFAULT_CONFIG,
) -> Step:
    """"Retenter": after 4 days, below the maximum level; validated skills stay, old failures may be asked."""
    targets = target_skills_of_competence(referential, code)
    card = scorecard(referential, record, code, now, config)
    progress = competence_progress(record, code)
    if progress.in_progress is not None:
        current = progress.in_progress
        return Step(current, referential.challenges.get(current.current_challenge_id or ""))
    if not progress.completed:
        raise LifecycleError(Refusal.RETRY_NOT_COMPLETED, "only a completed competence test can be retried")
    if card.is_max_level:
        raise LifecycleError(Refusal.RETRY_AT_MAX_LEVEL, "the maximum level is already reached")
    if card.remaining_days_before_improving > 0:
        raise LifecycleError(Refusal.RETRY_TOO_EARLY,
                             f"retry possible in {card.remaining_days_before_improving} day(s)")
    return _begin(referential, record, code, targets, now=now, assessment_id=assessment_id, seed=seed,
                  strategy=strategy, improving=True, config=config)


def _begin(referential: Referential, record: LearnerRecord, code: str, targets: tuple[str, ...], *,
           now: datetime, assessment_id: str, seed: str, strategy: str, improving: bool,
           config: EngineConfig) -> Step:
    get_strategy(strategy, config)  # unknown names fail before anything is created
    assessment = Assessment(
        id=assessment_id, type=AssessmentType.COMPETENCE_EVALUATION, target_skills=targets, strategy=strategy,
        seed=seed, created_at=now, competence_code=code, improving=improving, updated_at=now,
    )
    record = replace(record, assessments=(*record.assessments, assessment))
    assessment = advance(referential, assessment, record, now, config)
    return Step(assessment, referential.challenges.get(assessment.current_challenge_id or ""))


def answer_challenge(
    referential: Referential, record: LearnerRecord, assessment: Assessment, challenge_id: str,
    value: AnswerValue | None, *, now: datetime, skipped: bool = False, elapsed_seconds: float | None = None,
    focused_out: bool = False, config: EngineConfig = DEFAULT_CONFIG,
) -> Step:
    """Record an answer to the current challenge; return the new knowledge and the next challenge."""
    if not assessment.is_started:
        raise LifecycleError(Refusal.TEST_FINISHED, "this test is over")
    if challenge_id != assessment.current_challenge_id:
        raise LifecycleError(Refusal.NOT_CURRENT_CHALLENGE, "this is not the current challenge of the test")
    challenge = referential.challenges[challenge_id]
    status = answer_status(challenge, value, skipped=skipped, elapsed_seconds=elapsed_seconds,
                           focused_out=focused_out,
                           certification=assessment.type is AssessmentType.CERTIFICATION, config=config)
    context = selection_context(referential, assessment, record, now, config)
    new_elements = knowledge_elements_for_answer(
        referential=referential, challenge=challenge, status=status, target_skills=assessment.target_skills,
        already_assessed=context.assessed, now=now, assessment_id=assessment.id,
    )
    answered = assessment.with_answer(RecordedAnswer(challenge_id, None if skipped else value, status, now,
                                                     elapsed_seconds))
    record = replace(
        record,
        knowledge_elements=(*record.knowledge_elements, *new_elements),
        assessments=tuple(answered if a.id == assessment.id else a for a in record.assessments),
        seen_challenge_ids=record.seen_challenge_ids | {challenge_id},
    )
    advanced = advance(referential, answered, record, now, config)
    return Step(advanced, referential.challenges.get(advanced.current_challenge_id or ""),
                tuple(new_elements), status)


@dataclass(frozen=True)
class ResetOutcome:
    knowledge_elements: tuple[KnowledgeElement, ...]
    aborted: Assessment | None  # a test in progress on that competence is aborted by the reset


def reset_competence(
    referential: Referential, record: LearnerRecord, code: str, *, now: datetime,
    config: EngineConfig = DEFAULT_CONFIG,
) -> ResetOutcome:
    """"Remettre à zéro": allowed 7 days after the last activity; writes reset knowledge elements and the
    competence goes back to 0 (and to "not started")."""
    target_skills_of_competence(referential, code)
    progress = competence_progress(record, code)
    state = current_knowledge(record.knowledge_elements)
    elements = reset_elements(state, code, now=now)
    if not elements and not progress.completed and progress.in_progress is None:
        raise LifecycleError(Refusal.NOTHING_TO_RESET, "nothing to reset on this competence")
    card = scorecard(referential, record, code, now, config)
    if card.remaining_days_before_reset > 0:
        raise LifecycleError(Refusal.RESET_TOO_EARLY,
                             f"reset possible in {card.remaining_days_before_reset} day(s)")
    if not elements:  # a test that validated and invalidated nothing: the reset still marks the moment
        first = referential.active_skills_by_competence[code][0]
        elements = [KnowledgeElement(first.name, code, KnowledgeStatus.RESET, KnowledgeSource.DIRECT, 0.0, now)]
    aborted = None
    if progress.in_progress is not None:
        aborted = replace(progress.in_progress, state=AssessmentState.ABORTED, current_challenge_id=None,
                          updated_at=now)
    return ResetOutcome(tuple(elements), aborted)
