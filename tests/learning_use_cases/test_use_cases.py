"""The learning use cases over a real database: start/resume, answer (idempotent), complete, reset, retry."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.answers import AnswerStatus
from engine.competence_test import LifecycleError, Refusal
from engine.scoring import ScorecardStatus
from learning.models import AnswerRow, AssessmentRow, KnowledgeElementRow
from learning.use_cases import LearningError, LearningService
from lti_tool.grades import hooks
from tests.learning_use_cases.answers import right_answer


def _count(service: LearningService, model: type) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _finish(service: LearningService, account_id: int, assessment_id: str, right: bool = True) -> int:
    answered = 0
    while True:
        view = service.current(account_id, assessment_id)
        if view.challenge is None:
            return answered
        value = right_answer(view.challenge) if right else None
        service.answer(account_id, assessment_id, view.challenge.id, value, skipped=not right)
        answered += 1
        assert answered < 100


def test_a_new_learner_has_sixteen_competences_at_zero_and_is_not_certifiable(service, account_id):
    profile = service.profile(account_id)
    assert len(profile.scorecards) == 16
    assert profile.total_pix == 0 and profile.max_pix == 768
    assert profile.certifiability.missing_competences == 5
    assert all(c.status is ScorecardStatus.NOT_STARTED for c in profile.scorecards)


def test_starting_twice_resumes_the_same_test_and_challenge(service, account_id):
    first = service.start(account_id, "1.1")
    again = service.start(account_id, "1.1")
    assert again.assessment.id == first.assessment.id
    assert again.challenge is not None and again.challenge.id == first.challenge.id
    assert _count(service, AssessmentRow) == 1
    assert service.profile(account_id).scorecard("1.1").status is ScorecardStatus.STARTED


def test_reloading_shows_the_same_challenge(service, account_id):
    step = service.start(account_id, "1.1")
    views = [service.current(account_id, step.assessment.id) for _ in range(3)]
    assert {v.challenge.id for v in views} == {step.challenge.id}


def test_a_replayed_answer_is_stored_once_and_returns_the_stored_outcome(service, account_id):
    step = service.start(account_id, "1.1")
    challenge = step.challenge
    first = service.answer(account_id, step.assessment.id, challenge.id, right_answer(challenge))
    assert first.status is AnswerStatus.OK and not first.replayed
    elements = _count(service, KnowledgeElementRow)
    replay = service.answer(account_id, step.assessment.id, challenge.id, "something else entirely")
    assert replay.replayed and replay.status is AnswerStatus.OK
    assert _count(service, AnswerRow) == 1
    assert _count(service, KnowledgeElementRow) == elements


def test_an_answer_to_another_challenge_than_the_current_one_is_refused(service, account_id):
    step = service.start(account_id, "1.1")
    other = next(c for c in service.referential.challenges.values() if c.id != step.challenge.id)
    with pytest.raises(LifecycleError) as refused:
        service.answer(account_id, step.assessment.id, other.id, 1)
    assert refused.value.code == Refusal.NOT_CURRENT_CHALLENGE
    assert _count(service, AnswerRow) == 0


def test_someone_elses_assessment_is_unknown(service, account_id, sessions):
    from core.accounts import Account

    step = service.start(account_id, "1.1")
    with sessions.begin() as session:
        intruder = Account(issuer="https://lms.example", sub="eleve-2")
        session.add(intruder)
        session.flush()
        intruder_id = intruder.id
    with pytest.raises(LearningError):
        service.current(intruder_id, step.assessment.id)
    with pytest.raises(LearningError):
        service.answer(intruder_id, step.assessment.id, step.challenge.id, 1)


def test_a_test_answered_rightly_ends_with_pix_and_a_level_and_tells_the_gradebook(service, account_id, monkeypatch):
    calls = []
    def record(session, **kw):  # type: ignore[no-untyped-def]
        cards = kw["scorecards"]  # a function: the profile is built only when the gradebook needs it
        calls.append({**kw, "scorecards": cards() if callable(cards) else cards})

    monkeypatch.setattr(hooks, "results_changed", record)
    step = service.start(account_id, "1.1")
    answered = _finish(service, account_id, step.assessment.id)
    assert answered >= 3
    card = service.profile(account_id).scorecard("1.1")
    assert card.status is ScorecardStatus.COMPLETED
    assert card.level >= 3 and card.pix >= 24
    assert len(calls) == 1 and len(calls[0]["scorecards"]) == 16
    assert next(c for c in calls[0]["scorecards"] if c.competence_code == "1.1").pix == card.pix
    result = service.result(account_id, step.assessment.id)
    assert result.pix_before == 0 and result.scorecard.pix == card.pix
    assert result.suggestions and all(s.competence_code != "1.1" for s in result.suggestions)
    with pytest.raises(LifecycleError) as refused:
        service.answer(account_id, step.assessment.id, "rech-mot-1a", 1)
    assert refused.value.code == Refusal.TEST_FINISHED


def test_skipping_every_challenge_ends_at_level_zero(service, account_id):
    step = service.start(account_id, "2.1")
    _finish(service, account_id, step.assessment.id, right=False)
    card = service.profile(account_id).scorecard("2.1")
    assert card.status is ScorecardStatus.COMPLETED and card.pix == 0 and card.level == 0


def test_a_completed_test_cannot_be_restarted_retry_after_four_days_reset_after_seven(service, account_id, clock):
    step = service.start(account_id, "2.1")
    _finish(service, account_id, step.assessment.id, right=False)
    with pytest.raises(LifecycleError) as refused:
        service.start(account_id, "2.1")
    assert refused.value.code == Refusal.ALREADY_COMPLETED
    with pytest.raises(LifecycleError) as refused:
        service.start(account_id, "2.1", retry=True)
    assert refused.value.code == Refusal.RETRY_TOO_EARLY
    with pytest.raises(LifecycleError) as refused:
        service.reset(account_id, "2.1")
    assert refused.value.code == Refusal.RESET_TOO_EARLY
    clock.advance(days=4, minutes=1)
    retried = service.start(account_id, "2.1", retry=True)
    assert retried.assessment.id != step.assessment.id and retried.assessment.improving
    assert retried.challenge is not None
    clock.advance(days=8)
    outcome = service.reset(account_id, "2.1")
    assert outcome.aborted is not None and outcome.aborted.id == retried.assessment.id
    card = service.profile(account_id).scorecard("2.1")
    assert card.status is ScorecardStatus.NOT_STARTED and card.pix == 0
    fresh = service.start(account_id, "2.1")
    assert fresh.assessment.id not in (step.assessment.id, retried.assessment.id)


def timed_referential(seconds: int = 30):  # type: ignore[no-untyped-def]
    """The shipped bank with every challenge timed (the bank itself has only a few timed challenges)."""
    from dataclasses import replace

    from content_bank.loader import default_referential
    from engine.referential import Referential

    bank = default_referential()
    return Referential(bank.domains, bank.tubes, bank.skills,
                       {cid: replace(c, timer=seconds) for cid, c in bank.challenges.items()})


def test_a_timed_challenge_waits_for_the_learner_to_start_its_clock(sessions, account_id, clock):
    service = LearningService(sessions, timed_referential(30), clock=clock)
    step = service.start(account_id, "1.1")
    clock.advance(minutes=5)  # reading the announcement, or away from the screen: the clock has not started
    waiting = service.current(account_id, step.assessment.id)
    assert waiting.waiting_for_start and waiting.shown_at is None and waiting.remaining_seconds(clock.now) == 30
    service.start_timer(account_id, step.assessment.id)
    view = service.current(account_id, step.assessment.id)
    assert not view.waiting_for_start and view.shown_at == clock.now and view.remaining_seconds(clock.now) == 30
    clock.advance(seconds=20)
    service.start_timer(account_id, step.assessment.id)  # a second start (another tab, a reload) changes nothing
    again = service.current(account_id, step.assessment.id)
    assert again.shown_at == view.shown_at and again.remaining_seconds(clock.now) == 10
    clock.advance(seconds=5)
    in_time = service.answer(account_id, step.assessment.id, view.challenge.id, right_answer(view.challenge))
    assert in_time.status is AnswerStatus.OK
    nxt = service.current(account_id, step.assessment.id)
    assert nxt.waiting_for_start  # the next timed challenge is announced too
    service.start_timer(account_id, step.assessment.id)
    clock.advance(seconds=31)
    late = service.answer(account_id, step.assessment.id, nxt.challenge.id, right_answer(nxt.challenge))
    assert late.status is AnswerStatus.TIMED_OUT


def test_a_timed_challenge_answered_without_starting_its_clock_is_timed_out(sessions, account_id, clock):
    """The question is shown only once its clock runs: a POST of an answer before the start cannot escape the
    timer."""
    service = LearningService(sessions, timed_referential(30), clock=clock)
    step = service.start(account_id, "1.1")
    first = service.answer(account_id, step.assessment.id, step.challenge.id, right_answer(step.challenge))
    assert first.status is AnswerStatus.TIMED_OUT


def test_an_untimed_challenge_needs_no_start(service, account_id):
    step = service.start(account_id, "1.1")
    view = service.current(account_id, step.assessment.id)
    assert not view.waiting_for_start and view.remaining_seconds(view.shown_at) is None


def test_starting_the_clock_of_someone_elses_test_is_refused(sessions, account_id, clock):
    from core.accounts import Account

    service = LearningService(sessions, timed_referential(30), clock=clock)
    step = service.start(account_id, "1.1")
    with sessions.begin() as session:
        other = Account(issuer="https://other.example", sub="someone-else")
        session.add(other)
        session.flush()
        other_id = other.id
    with pytest.raises(LearningError):
        service.start_timer(other_id, step.assessment.id)
    assert service.current(account_id, step.assessment.id).waiting_for_start


def test_deleting_an_account_deletes_its_learning_data(service, account_id, sessions):
    from core.accounts import Account

    step = service.start(account_id, "1.1")
    service.answer(account_id, step.assessment.id, step.challenge.id, right_answer(step.challenge))
    with sessions.begin() as session:
        session.delete(session.get(Account, account_id))
    assert _count(service, AssessmentRow) == _count(service, AnswerRow) == _count(service, KnowledgeElementRow) == 0


def test_two_simultaneous_submissions_of_the_same_answer_store_it_once(service, account_id):
    import threading

    step = service.start(account_id, "1.1")
    value = right_answer(step.challenge)
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def submit() -> None:
        barrier.wait()
        try:
            outcomes.append(service.answer(account_id, step.assessment.id, step.challenge.id, value))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {o.status for o in outcomes} == {AnswerStatus.OK}
    assert sum(not o.replayed for o in outcomes) == 1
    assert _count(service, AnswerRow) == 1


def test_the_answer_path_runs_a_constant_number_of_queries(service, account_id, sessions):
    """No N+1: answering costs the same number of SQL statements after 1 or after many answers."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = sessions.kw["bind"]
    costs: list[int] = []
    completions: list[int] = []
    for code in ("1.1", "1.2", "2.1"):
        step = service.start(account_id, code)
        while step.challenge is not None:
            view = service.current(account_id, step.assessment.id)
            if view.challenge is None:
                break
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            try:
                service.answer(account_id, step.assessment.id, view.challenge.id, right_answer(view.challenge))
            finally:
                event.remove(engine, "before_cursor_execute", count)
            cost = len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))])
            step = view  # type: ignore[assignment]
            if service.current(account_id, view.assessment.id).challenge is None:
                completions.append(cost)  # the last answer also reads the whole profile for the gradebook
                break
            costs.append(cost)
    assert len(costs) > 10 and len(completions) == 3
    assert max(costs) <= 9, costs
    assert max(completions) <= max(costs) + 4, completions
    assert costs[-1] <= costs[0] + 1  # the last answer (many answers stored) costs what the first did
