"""The candidate's use cases: join a session (number + access code), confirm their identity, wait for the
invigilator, start, answer, raise an alert, come back. One transaction each, `now` given by the caller.

Coming back through the session form to a test that has started is a re-entry: the test waits, its clock standing
still since the candidate was last seen, until the invigilator lets them back in; they then find the same
question with the same time left. A reload of the question page is not a re-entry (a lost connection).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from certification import repository as repo
from certification.codes import normalised_code
from certification.models import (
    CandidateRow,
    CertificationAnswerRow,
    CertificationCourseRow,
    IssueReportRow,
    SessionRow,
)
from certification.records_io import planned_json
from certification.test_day import rows
from certification.test_day.clock import warning_due
from certification.test_day.errors import TestDayError, TestDayRefusal
from certification.test_day.models import ArrivalRow
from certification.test_day.progress import StoredAnswer, TestFacts, answered_count, next_challenge, test_length
from engine.answers import AnswerStatus, AnswerValue, answer_status
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG, CertificationConfig
from engine.certification.records import CertificationVersion, EndReason
from engine.certification.v2 import ProfileCompetence, select_v2_challenges
from engine.certification.v3 import ChallengePool
from engine.knowledge import current_knowledge
from engine.referential import Challenge
from learning import repository as learning_repo
from learning.use_cases import profile as learning_profile

LAST_SEEN_STEP_SECONDS = 10  # a re-entry freezes the clock at the last contact: within 10 s of it


class Step(StrEnum):
    """Where the candidate is sent after joining."""

    IDENTIFY = "identify"  # enrolled from a CSV, not yet linked to this account: names + birth date
    IDENTITY = "identity"  # confirm who they are
    WAITING = "waiting"  # identity confirmed, presence not yet confirmed by the invigilator
    TEST = "test"  # present: start or continue the test
    REENTRY = "reentry"  # came back to a started test: waiting for the invigilator
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class Joined:
    session_id: int
    candidate_id: int | None
    step: Step


def same_text(a: str, b: str) -> bool:
    """Names compared as people type them: case, accents, hyphens and spaces ignored."""
    def norm(text: str) -> str:
        stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return "".join(c for c in stripped.casefold() if c.isalnum())
    return norm(a) == norm(b)


def _open_session(session: Session, number: int, access_code: str) -> SessionRow:
    row = repo.session_by_number(session, number)
    if row is None or not rows.same_secret(row.access_code, normalised_code(access_code)):
        raise TestDayError(TestDayRefusal.WRONG_SESSION_OR_CODE)
    if row.state != rows.OPEN:
        raise TestDayError(TestDayRefusal.SESSION_CLOSED)
    return row


def join(session: Session, referential_profile: object, account_id: int, number: int, access_code: str, *,
         now: datetime) -> Joined:
    """The session form. `referential_profile`: the referential, to read the pupil's certifiability."""
    row = _open_session(session, number, access_code)
    candidate = repo.candidate_by_account(session, row.id, account_id)
    if candidate is None:
        unlinked = [c for c in repo.candidates_of_session(session, row.id) if c.account_id is None]
        if not unlinked:
            raise TestDayError(TestDayRefusal.NOT_ENROLLED)
        return Joined(row.id, None, Step.IDENTIFY)
    course = rows.lock_course(session, candidate.id)
    if course is None:
        _require_certifiable(session, referential_profile, account_id, now)
        if rows.arrival(session, candidate.id) is None:
            return Joined(row.id, candidate.id, Step.IDENTITY)
        return Joined(row.id, candidate.id, Step.TEST if candidate.present else Step.WAITING)
    if course.state == "ended":
        return Joined(row.id, candidate.id, Step.FINISHED)
    if course.state == "started":  # came back through the form: the invigilator must let them in
        course.state = "awaiting_reentry"
        course.paused = True
        course.paused_at = rows.aware(course.last_seen_at) or now
        course.reentry_authorised = False
    if course.state == "awaiting_reentry" and not course.reentry_authorised:
        return Joined(row.id, candidate.id, Step.REENTRY)
    return Joined(row.id, candidate.id, Step.TEST)


def _require_certifiable(session: Session, referential: object, account_id: int, now: datetime) -> None:
    current = learning_profile(session, referential, account_id, now)  # type: ignore[arg-type]
    if not current.certifiability.is_certifiable:
        raise TestDayError(TestDayRefusal.NOT_CERTIFIABLE, str(current.certifiability.missing_competences))


def identify(session: Session, account_id: int, number: int, access_code: str, last_name: str, first_name: str,
             birth_date: date) -> int:
    """A pupil enrolled from a CSV names themself: linked to the one unlinked candidate of that name and birth
    date. Returns the candidate id."""
    row = _open_session(session, number, access_code)
    if repo.candidate_by_account(session, row.id, account_id) is not None:
        raise TestDayError(TestDayRefusal.IDENTITY_MISMATCH, "this account is already a candidate here")
    matches = [c for c in repo.candidates_of_session(session, row.id)
               if c.account_id is None and c.birth_date == birth_date
               and same_text(c.last_name, last_name) and same_text(c.first_name, first_name)]
    if len(matches) != 1:
        raise TestDayError(TestDayRefusal.IDENTITY_MISMATCH)
    matches[0].account_id = account_id
    session.flush()
    return matches[0].id


def own_candidate(session: Session, account_id: int, candidate_id: int) -> tuple[CandidateRow, SessionRow]:
    found = session.execute(select(CandidateRow, SessionRow).join(SessionRow, SessionRow.id == CandidateRow.session_id)
                            .where(CandidateRow.id == candidate_id)).first()  # one round trip
    if found is None or found[0].account_id != account_id:
        raise TestDayError(TestDayRefusal.UNKNOWN_CANDIDATE)
    return found[0], found[1]


def _own_started_course(session: Session, account_id: int, candidate_id: int
                        ) -> tuple[CandidateRow, SessionRow, CertificationCourseRow]:
    """The candidate's own started course, locked, in one round trip (the answer path); the refusal otherwise."""
    found = rows.own_course(session, candidate_id)
    if found is None or found[0].account_id != account_id:
        own_candidate(session, account_id, candidate_id)  # unknown or someone else's: that refusal
        raise TestDayError(TestDayRefusal.NOT_STARTED)
    return found


def confirm_identity(session: Session, account_id: int, candidate_id: int, *, now: datetime) -> None:
    candidate, session_row = own_candidate(session, account_id, candidate_id)
    if session_row.state != rows.OPEN:
        raise TestDayError(TestDayRefusal.SESSION_CLOSED)
    if rows.arrival(session, candidate.id) is None:
        session.add(ArrivalRow(candidate_id=candidate.id, arrived_at=now))
        session.flush()


@dataclass(frozen=True, slots=True)
class CandidateView:
    """What the candidate's pages show besides the question."""

    candidate_id: int
    first_name: str
    last_name: str
    birth_date: date | None
    session_number: int
    session_date: date
    arrived: bool
    present: bool
    state: str | None  # the course's: None (not started), started, paused, awaiting_reentry, ended
    answered: int
    length: int
    remaining_seconds: int | None
    warning_minutes: int | None
    focus_check: bool  # report leaving the page (not for an accessibility adjustment)
    pending_alert: str | None  # the kind of a pending alert that blocks the question (not_displayed)
    reentry_authorised: bool = False
    challenge: Challenge | None = None
    course_id: int | None = None  # the certification course, once started (seeds the order of proposals)


def _view(session: Session, candidate: CandidateRow, session_row: SessionRow, course: CertificationCourseRow | None,
          now: datetime, config: CertificationConfig, challenge: Challenge | None = None,
          known: tuple[TestFacts, Sequence[IssueReportRow | rows.AlertFact]] | None = None) -> CandidateView:
    """`known`: the course's facts and alerts when the caller has just read them."""
    answered, length, remaining, pending = 0, config.flash.maximum_length, None, None
    if course is not None:
        if known is None:
            answers, alerts = rows.course_history(session, course.id)
            facts = rows.facts_of(session, course, candidate, session_row, alerts, answers)
        else:
            facts, alerts = known
        answered = answered_count(facts.answers, facts.neutralised)
        length = test_length(facts, config) - len(facts.neutralised)
        remaining = rows.clock_of(course, candidate, config.duration_minutes).remaining_seconds(now)
        pending = next((a.category for a in alerts if a.resolution is None and a.category == rows.NOT_DISPLAYED
                        and a.challenge_id == course.current_challenge_id), None)
    return CandidateView(
        candidate.id, candidate.first_name, candidate.last_name, candidate.birth_date, session_row.number,
        session_row.date, course is not None or rows.arrival(session, candidate.id) is not None, candidate.present,
        course.state if course else None, answered, length, remaining,
        warning_due(remaining) if remaining is not None and course and course.state == "started" else None,
        not candidate.accessibility_adjustment, pending, bool(course and course.reentry_authorised), challenge,
        course.id if course is not None else None)


def candidate_view(session: Session, account_id: int, candidate_id: int, *, now: datetime,
                   config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> CandidateView:
    candidate, session_row = own_candidate(session, account_id, candidate_id)
    return _view(session, candidate, session_row, rows.course_of(session, candidate.id), now, config)


def start(session: Session, pool: ChallengePool, account_id: int, candidate_id: int, *, now: datetime, seed: str,
          config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> int:
    """Start the test once the invigilator confirmed presence (a second call finds the started one)."""
    candidate, session_row = own_candidate(session, account_id, candidate_id)
    course = rows.lock_course(session, candidate.id)
    if course is not None:
        return course.id
    if session_row.state != rows.OPEN:
        raise TestDayError(TestDayRefusal.SESSION_CLOSED)
    if not candidate.present:
        raise TestDayError(TestDayRefusal.NOT_PRESENT)
    planned: list[list] = []  # type: ignore[type-arg]
    seen = rows.seen_in_earlier_certifications(session, account_id)
    if session_row.version == CertificationVersion.V2:
        planned = _v2_plan(session, pool, account_id, seed, frozenset(seen), now, config)
    course = CertificationCourseRow(
        candidate_id=candidate.id, session_id=session_row.id, account_id=account_id, version=session_row.version,
        seed=seed, state="started", started_at=now, paused=False, paused_seconds=0, extra_minutes=0,
        reentry_authorised=False, last_seen_at=now, planned=planned, excluded_challenge_ids=seen)
    session.add(course)
    session.flush()
    return course.id


def _v2_plan(session: Session, pool: ChallengePool, account_id: int, seed: str, seen: frozenset[str],
             now: datetime, config: CertificationConfig) -> list[list]:  # type: ignore[type-arg]
    referential = pool.referential
    record = learning_repo.load_profile_record(session, account_id)
    current = learning_profile(session, referential, account_id, now)
    competences = [ProfileCompetence(card.competence_code, card.level, card.pix) for card in current.scorecards]
    state = current_knowledge(record.knowledge_elements)
    plan = select_v2_challenges(referential, competences, state, seen_challenge_ids=seen, seed=seed, config=config)
    return planned_json(plan, competences)  # the stored format finalisation reads (certification.records_io)


def current(session: Session, pool: ChallengePool, account_id: int, candidate_id: int, *, now: datetime,
            config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> CandidateView:
    """The question page: the current challenge (chosen once, then the same on every reload), or why none is
    shown (paused, waiting for re-entry, ended). The clock is checked here: time up ends the test."""
    candidate, session_row, course = _own_started_course(session, account_id, candidate_id)
    if course.state == "awaiting_reentry" and course.reentry_authorised:  # let back in: the clock runs again
        course.state = "started"
        course.reentry_authorised = False
        rows.resume_clock(course, now)
    challenge = None
    answers, alerts = rows.course_history(session, course.id)
    facts = rows.facts_of(session, course, candidate, session_row, alerts, answers)
    if course.state == "started":
        seen = rows.aware(course.last_seen_at)
        if seen is None or (now - seen).total_seconds() >= LAST_SEEN_STEP_SECONDS:  # no write for every page
            course.last_seen_at = now
        if rows.clock_of(course, candidate, config.duration_minutes).is_up(now):
            rows.end_course(course, EndReason.TIME_UP, now)
        else:
            challenge = _current_challenge(pool, course, facts, now, config)
    return _view(session, candidate, session_row, course, now, config, challenge, (facts, alerts))


def _current_challenge(pool: ChallengePool, course: CertificationCourseRow, facts: TestFacts, now: datetime,
                       config: CertificationConfig) -> Challenge | None:
    """The question on screen: chosen once (then the same on every reload), or the test ends."""
    if course.current_challenge_id and course.current_challenge_id in pool.referential.challenges:
        return pool.referential.challenges[course.current_challenge_id]
    challenge = next_challenge(pool, facts, config)
    if challenge is None:
        rows.end_course(course, EndReason.COMPLETED, now)
        return None
    course.current_challenge_id = challenge.id
    course.current_challenge_at = now
    return challenge


@dataclass(frozen=True, slots=True)
class Answered:
    status: AnswerStatus
    ended: bool
    replayed: bool = False


def answer(session: Session, pool: ChallengePool, account_id: int, candidate_id: int, challenge_id: str,
           value: AnswerValue | None, *, now: datetime, skipped: bool = False,
           config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> Answered:
    """Answer the current question. A replay of an answered challenge is reported, not recorded twice; an answer
    after the time is up is not recorded (the test ends)."""
    candidate, session_row, course = _own_started_course(session, account_id, candidate_id)
    answers, alerts = rows.course_history(session, course.id)
    facts = rows.facts_of(session, course, candidate, session_row, alerts, answers)
    stored = next((a for a in facts.answers if a.challenge_id == challenge_id), None)
    if stored is not None:
        return Answered(AnswerStatus(stored.status), course.state == "ended", replayed=True)
    if course.state == "ended":
        raise TestDayError(TestDayRefusal.TEST_ENDED)
    if course.state == "paused":
        raise TestDayError(TestDayRefusal.PAUSED)
    if course.state == "awaiting_reentry":
        raise TestDayError(TestDayRefusal.AWAITING_REENTRY)
    if rows.clock_of(course, candidate, config.duration_minutes).is_up(now):
        rows.end_course(course, EndReason.TIME_UP, now)
        return Answered(AnswerStatus.SKIPPED, True, replayed=True)
    if course.current_challenge_id != challenge_id or challenge_id not in pool.referential.challenges:
        raise TestDayError(TestDayRefusal.NOT_CURRENT_CHALLENGE)
    if any(a.resolution is None and a.category == rows.NOT_DISPLAYED and a.challenge_id == challenge_id
           for a in alerts):
        raise TestDayError(TestDayRefusal.ALERT_PENDING)
    challenge = pool.referential.challenges[challenge_id]
    focused_out = any(a.category == rows.FOCUS_OUT and a.challenge_id == challenge_id for a in alerts)
    shown_at = rows.aware(course.current_challenge_at)
    elapsed = None if shown_at is None else max(0.0, (now - shown_at).total_seconds())
    status = answer_status(challenge, value, skipped=skipped, elapsed_seconds=elapsed, focused_out=focused_out,
                           certification=True)
    session.add(CertificationAnswerRow(
        course_id=course.id, position=len(facts.answers) + 1, challenge_id=challenge_id,
        value=_stored_value(value), status=status.value, focused_out=focused_out,
        time_seconds=None if elapsed is None else int(elapsed), answered_at=now))
    course.current_challenge_id = None
    course.current_challenge_at = None
    course.last_seen_at = now
    facts = replace(facts, answers=(*facts.answers, StoredAnswer(challenge_id, status.value)))
    ended = _current_challenge(pool, course, facts, now, config) is None  # the next question, chosen once
    return Answered(status, ended)


def _stored_value(value: AnswerValue | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{k}={v}" for k, v in sorted(value.items()))[:2000]
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(v) for v in sorted(value))
    return str(value)[:2000]


def raise_alert(session: Session, account_id: int, candidate_id: int, challenge_id: str, kind: str, *,
                now: datetime) -> bool:
    """The page reports that the candidate left it, or the candidate says the question does not display.
    Only for the current question; one alert per question and kind; no focus alert for a candidate with an
    accessibility adjustment. True when an alert was raised."""
    if kind not in rows.ALERT_KINDS:
        raise TestDayError(TestDayRefusal.UNKNOWN_ALERT)
    candidate, _ = own_candidate(session, account_id, candidate_id)
    if kind == rows.FOCUS_OUT and candidate.accessibility_adjustment:
        return False
    course = rows.lock_course(session, candidate.id)
    if course is None or course.state != "started" or course.current_challenge_id != challenge_id:
        raise TestDayError(TestDayRefusal.NOT_CURRENT_CHALLENGE)
    if any(a.category == kind and a.challenge_id == challenge_id for a in rows.alerts_of_course(session, course.id)):
        return False
    session.add(IssueReportRow(candidate_id=candidate.id, course_id=course.id, kind=rows.ALERT, category=kind,
                               comment="", challenge_id=challenge_id, raised_at=now, reported_by=account_id))
    session.flush()
    return True
