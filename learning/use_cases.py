"""Use cases of test-taking. Each runs in ONE transaction through `LearningService`; the functions taking a
`Session` do the work inside the caller's transaction. The engine decides; `now`, ids and seeds come in."""

from __future__ import annotations

import math
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core import events
from core.events import CompetenceResultsChanged
from core.links import profile_account_id
from engine.answers import AnswerStatus, AnswerValue
from engine.assessment import Assessment, AssessmentState, AssessmentType
from engine.competence_test import (
    LearnerRecord,
    LifecycleError,
    ResetOutcome,
    Step,
    answer_challenge,
    reset_competence,
    retry_competence_test,
    scorecard,
    start_competence_test,
)
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.profile import Profile, build_profile
from engine.referential import Challenge, Referential
from engine.scoring import Scorecard, ScorecardStatus
from learning import repository as repo
from learning.models import AssessmentRow


class LearningRefusal(StrEnum):
    UNKNOWN_ASSESSMENT = "unknown_assessment"
    NOT_ANSWERED = "not_answered"
    NOT_A_COMPETENCE_TEST = "not_a_competence_test"  # a campaign test: its end page is the campaign's


class LearningError(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class AnswerOutcome:
    assessment_id: str
    challenge_id: str
    status: AnswerStatus
    completed: bool
    replayed: bool = False  # the same answer was already stored: nothing new was written
    competence_test: bool = True  # False for a campaign test (its end is the campaign's page)


@dataclass(frozen=True)
class TestView:
    """The test as the learner sees it now: its current challenge (None when over), progress, and the outcome
    of the answer just given when asked for (shown above the next challenge)."""

    assessment: Assessment
    challenge: Challenge | None
    answered: int
    shown_at: datetime | None
    previous: AnswerOutcome | None = None

    @property
    def waiting_for_start(self) -> bool:
        """A timed challenge whose clock the learner has not started yet: its start page, not the question."""
        return self.challenge is not None and self.challenge.timer is not None and self.shown_at is None

    def remaining_seconds(self, now: datetime) -> int | None:
        if self.challenge is None or self.challenge.timer is None:
            return None
        elapsed = 0.0 if self.shown_at is None else (now - self.shown_at).total_seconds()
        return max(0, math.ceil(self.challenge.timer - elapsed))


@dataclass(frozen=True)
class TestResult:
    """The end of a competence test: where the learner is now, where they were, what to do next."""

    assessment: Assessment
    scorecard: Scorecard
    pix_before: int
    level_before: int
    suggestions: tuple[Scorecard, ...]
    last_answer: AnswerOutcome | None = None  # the outcome of the answer that ended it, when asked for


def utc_now() -> datetime:
    """The default clock of the services (campaigns use the same)."""
    return datetime.now(UTC)


def new_id() -> str:
    """The default id of a new assessment or participation."""
    return str(uuid.uuid4())


def new_seed() -> str:
    """The default seed of a new test's challenge draws."""
    return secrets.token_hex(8)


def clock_start(referential: Referential, assessment: Assessment, now: datetime) -> datetime | None:
    """When the new current challenge's clock starts: an untimed one's at once (it does not matter), a timed one's
    only when the learner asks for the question (`start_timer`), after a page announcing the time allowed."""
    challenge = referential.challenges.get(assessment.current_challenge_id or "")
    return None if challenge is not None and challenge.timer is not None else now


def _own_assessment(record: LearnerRecord, assessment_id: str) -> Assessment:
    found = next((a for a in record.assessments if a.id == assessment_id), None)
    if found is None:
        raise LearningError(LearningRefusal.UNKNOWN_ASSESSMENT, "no such assessment for this learner")
    return found


# --- the work, inside a transaction -------------------------------------------------------------------------

def profile(session: Session, referential: Referential, account_id: int, now: datetime,
            config: EngineConfig = DEFAULT_CONFIG) -> Profile:
    return build_profile(referential, repo.load_profile_record(session, account_id), now, config)


def start_test(session: Session, referential: Referential, account_id: int, code: str, *, now: datetime,
               assessment_id: str, seed: str, strategy: str = "smart-random", retry: bool = False,
               config: EngineConfig = DEFAULT_CONFIG) -> Step:
    """Start (or resume: nothing is written) a competence test; `retry` for "Retenter"."""
    record = repo.load_competence_record(session, account_id, code)
    begin = retry_competence_test if retry else start_competence_test
    step = begin(referential, record, code, now=now, assessment_id=assessment_id, seed=seed, strategy=strategy,
                 config=config)
    if step.assessment.id == assessment_id:  # a new test
        repo.insert_assessment(session, account_id, step.assessment,
                               handed_out_at=clock_start(referential, step.assessment, now))
        session.flush()
        if step.assessment.is_completed:  # nothing left to ask: it ends at once; the gradebook reads it all
            _results_changed(session, referential, account_id,
                             lambda: repo.load_profile_record(session, account_id), now, config)
    return step


def reset(session: Session, referential: Referential, account_id: int, code: str, *, now: datetime,
          config: EngineConfig = DEFAULT_CONFIG) -> ResetOutcome:
    record = repo.load_record(session, account_id)
    outcome = reset_competence(referential, record, code, now=now, config=config)
    repo.insert_knowledge_elements(session, account_id, outcome.knowledge_elements)
    if outcome.aborted is not None:
        repo.update_assessment(session, outcome.aborted, challenge_changed=True, now=now)
    session.flush()
    after = replace(record, knowledge_elements=(*record.knowledge_elements, *outcome.knowledge_elements))
    _results_changed(session, referential, account_id, after, now, config)
    return outcome


def current_test(session: Session, referential: Referential, account_id: int, assessment_id: str, *,
                 now: datetime, previous: str | None = None) -> TestView:
    """The test's current challenge, read in one statement, with the outcome of the answer to `previous` when
    there is one. A timed challenge not started yet (`TestView.waiting_for_start`) keeps its clock stopped: the
    page announces the time allowed and `start_timer` starts it."""
    row = repo.get_test_view(session, account_id, assessment_id, previous)
    if row is None:
        raise LearningError(LearningRefusal.UNKNOWN_ASSESSMENT, "no such assessment for this learner")
    challenge = referential.challenges.get(row.current_challenge_id or "")
    shown_at = repo.aware(row.challenge_shown_at)
    outcome = _previous_outcome(row, assessment_id, previous) if previous else None
    return TestView(repo.to_assessment(row, ()), challenge, int(row.answered or 0), shown_at, outcome)


def start_timer(session: Session, account_id: int, assessment_id: str, *, now: datetime) -> None:
    """The learner asks for the timed question: its clock starts now, once (a second request changes nothing)."""
    if not repo.mark_shown(session, account_id, assessment_id, now) and repo.get_test_view(
            session, account_id, assessment_id, None) is None:
        raise LearningError(LearningRefusal.UNKNOWN_ASSESSMENT, "no such assessment for this learner")


def answer(session: Session, referential: Referential, account_id: int, assessment_id: str, challenge_id: str,
           value: AnswerValue | None, *, now: datetime, skipped: bool = False,
           config: EngineConfig = DEFAULT_CONFIG) -> AnswerOutcome:
    """Answer the current challenge. A replay of an answered challenge returns the stored outcome."""
    row = repo.lock_assessment(session, account_id, assessment_id)  # serialises double submissions
    if row is None:
        raise LearningError(LearningRefusal.UNKNOWN_ASSESSMENT, "no such assessment for this learner")
    shown_at = repo.aware(row.challenge_shown_at)
    competences = {referential.competence_of(s) for s in row.target_skills if s in referential.skills}
    record = repo.load_for_answer(session, account_id, row, competences)
    assessment = record.assessments[0]
    stored = next((a for a in assessment.answers if a.challenge_id == challenge_id), None)
    competence_test = assessment.type is AssessmentType.COMPETENCE_EVALUATION
    if stored is not None:
        return AnswerOutcome(assessment_id, challenge_id, stored.status, not assessment.is_started, replayed=True,
                             competence_test=competence_test)
    elapsed = None if shown_at is None else max(0.0, (now - shown_at).total_seconds())
    asked = referential.challenges.get(challenge_id)
    if shown_at is None and asked is not None and asked.timer is not None and challenge_id == row.current_challenge_id:
        elapsed = math.inf  # answered without starting its clock (no page shows it then): out of time
    step = answer_challenge(referential, record, assessment, challenge_id, value, now=now, skipped=skipped,
                            elapsed_seconds=elapsed, config=config)
    recorded = step.assessment.answers[-1]
    repo.insert_answer(session, account_id, assessment_id, recorded)
    repo.insert_knowledge_elements(session, account_id, step.new_knowledge_elements)
    repo.update_assessment(session, step.assessment, challenge_changed=True,
                           now=clock_start(referential, step.assessment, now))
    session.flush()  # a concurrent double submission fails here on (assessment_id, challenge_id)
    if step.assessment.is_completed:  # the whole profile, read back after the writes, for the gradebook
        _results_changed(session, referential, account_id, lambda: repo.load_profile_record(session, account_id),
                         now, config)
    return AnswerOutcome(assessment_id, challenge_id, recorded.status, step.assessment.is_completed,
                         competence_test=competence_test)


def _previous_outcome(row: Any, assessment_id: str, challenge_id: str) -> AnswerOutcome | None:
    """The stored outcome of `challenge_id` from a test-view row (`repo.get_test_view`); None if unanswered."""
    if row.previous_status is None:
        return None
    return AnswerOutcome(assessment_id, challenge_id, AnswerStatus(row.previous_status),
                         row.state != AssessmentState.STARTED, replayed=True,
                         competence_test=row.type == AssessmentType.COMPETENCE_EVALUATION)


def stored_outcome(session: Session, account_id: int, assessment_id: str, challenge_id: str) -> AnswerOutcome:
    row = repo.get_test_view(session, account_id, assessment_id, challenge_id)  # one statement
    if row is None:
        raise LearningError(LearningRefusal.UNKNOWN_ASSESSMENT, "no such assessment for this learner")
    outcome = _previous_outcome(row, assessment_id, challenge_id)
    if outcome is None:
        raise LearningError(LearningRefusal.NOT_ANSWERED, "this challenge has not been answered in this test")
    return outcome


def test_result(session: Session, referential: Referential, account_id: int, assessment_id: str, *,
                now: datetime, config: EngineConfig = DEFAULT_CONFIG, last_answer: str | None = None) -> TestResult:
    """The end page's figures; `last_answer` (the challenge that ended the test) adds that answer's outcome."""
    record = repo.load_profile_record(session, account_id)
    assessment = _own_assessment(record, assessment_id)
    code = assessment.competence_code or ""
    if assessment.type is not AssessmentType.COMPETENCE_EVALUATION:
        raise LearningError(LearningRefusal.NOT_A_COMPETENCE_TEST, "not a competence test")
    if code not in referential.competences:
        raise LearningError(LearningRefusal.UNKNOWN_ASSESSMENT, "not a competence test")
    current = build_profile(referential, record, now, config)
    before_record = replace(record, knowledge_elements=tuple(
        ke for ke in record.knowledge_elements if ke.assessment_id != assessment_id))
    before = scorecard(referential, before_record, code, now, config)
    card = current.scorecard(code)
    outcome = None
    if last_answer:
        try:
            outcome = stored_outcome(session, account_id, assessment_id, last_answer)
        except LearningError:  # not an answer of this test: the end page goes without it
            outcome = None
    return TestResult(assessment, card, before.pix, before.level, suggestions(current, card.domain_code, code),
                      outcome)


def last_completed_test(session: Session, account_id: int, code: str) -> str | None:
    """The id of the learner's latest completed test on a competence (for its end page)."""
    row = session.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.account_id == account_id, AssessmentRow.competence_code == code,
               AssessmentRow.type == str(AssessmentType.COMPETENCE_EVALUATION),
               AssessmentRow.state == str(AssessmentState.COMPLETED))
        .order_by(AssessmentRow.updated_at.desc(), AssessmentRow.created_at.desc())
        .limit(1)
    ).first()
    return row.id if row else None


def suggestions(current: Profile, domain_code: str, exclude: str, count: int = 3) -> tuple[Scorecard, ...]:
    """What to do next: competences not started (same domain first), then those that can be retried."""
    def rank(card: Scorecard) -> tuple[int, int, str]:
        return (0 if card.domain_code == domain_code else 1, card.level, card.competence_code)

    open_cards = [c for c in current.scorecards if c.competence_code != exclude
                  and (c.status is not ScorecardStatus.COMPLETED or c.is_improvable)]
    return tuple(sorted(open_cards, key=lambda c: (c.status is ScorecardStatus.COMPLETED, *rank(c)))[:count])


def _results_changed(session: Session, referential: Referential, account_id: int,
                     record: LearnerRecord | Callable[[], LearnerRecord], now: datetime, config: EngineConfig) -> None:
    """Publish the change (`core.events.CompetenceResultsChanged`) in this transaction; the profile is built (and,
    given a loader, read) only if a subscriber needs it (the LTI gradebook, when the learner has a graded activity)."""
    def cards() -> tuple[Scorecard, ...]:
        learner = record() if callable(record) else record
        return build_profile(referential, learner, now, config).scorecards

    events.publish(session, CompetenceResultsChanged(account_id=account_id, scorecards=cards, at=now))


# --- the service: one transaction per use case ---------------------------------------------------------------

class LearningService:
    """The use cases bound to a session factory and a referential loaded once per process."""

    def __init__(self, sessions: sessionmaker[Session], referential: Referential,
                 config: EngineConfig = DEFAULT_CONFIG, strategy: str = "smart-random",
                 clock: Callable[[], datetime] = utc_now, new_id: Callable[[], str] = new_id,
                 new_seed: Callable[[], str] = new_seed) -> None:
        self.sessions = sessions
        # Read-only use cases need no transaction (no BEGIN/COMMIT round trips): at PostgreSQL's default
        # isolation (read committed) each statement sees its own snapshot inside a transaction as well.
        self.reads = sessionmaker(sessions.kw["bind"].execution_options(isolation_level="AUTOCOMMIT"),
                                  expire_on_commit=False)
        self.referential = referential
        self.config = config
        self.strategy = strategy
        self.clock = clock
        self.new_id = new_id
        self.new_seed = new_seed

    def profile(self, account_id: int) -> Profile:
        with self.reads() as session:  # read only
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return profile(session, self.referential, account_id, self.clock(), self.config)

    def start(self, account_id: int, code: str, *, retry: bool = False) -> Step:
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return start_test(session, self.referential, account_id, code, now=self.clock(),
                              assessment_id=self.new_id(), seed=self.new_seed(), strategy=self.strategy,
                              retry=retry, config=self.config)

    def reset(self, account_id: int, code: str) -> ResetOutcome:
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return reset(session, self.referential, account_id, code, now=self.clock(), config=self.config)

    def current(self, account_id: int, assessment_id: str, previous: str | None = None) -> TestView:
        """One read statement outside any transaction."""
        with self.reads() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return current_test(session, self.referential, account_id, assessment_id, now=self.clock(),
                                previous=previous)

    def start_timer(self, account_id: int, assessment_id: str) -> None:
        with self.sessions.begin() as session:
            start_timer(session, account_id, assessment_id, now=self.clock())

    def answer(self, account_id: int, assessment_id: str, challenge_id: str, value: AnswerValue | None, *,
               skipped: bool = False) -> AnswerOutcome:
        try:
            with self.sessions.begin() as session:
                account_id = profile_account_id(session, account_id)  # a linked account uses its profile
                return answer(session, self.referential, account_id, assessment_id, challenge_id, value,
                              now=self.clock(), skipped=skipped, config=self.config)
        except IntegrityError:  # lost the race against the same submission: it is stored, report it
            return self.outcome(account_id, assessment_id, challenge_id)

    def outcome(self, account_id: int, assessment_id: str, challenge_id: str) -> AnswerOutcome:
        with self.reads() as session:  # read only
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return stored_outcome(session, account_id, assessment_id, challenge_id)

    def last_test(self, account_id: int, code: str) -> str | None:
        with self.reads() as session:  # read only
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return last_completed_test(session, account_id, code)

    def result(self, account_id: int, assessment_id: str, last_answer: str | None = None) -> TestResult:
        with self.reads() as session:  # read only
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return test_result(session, self.referential, account_id, assessment_id, now=self.clock(),
                               config=self.config, last_answer=last_answer)


__all__ = ["AnswerOutcome", "LearningError", "LearningRefusal", "LearningService", "LifecycleError", "TestResult",
           "TestView"]
