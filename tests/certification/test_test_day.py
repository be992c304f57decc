"""The test day's use cases without a server: joining, waiting, the test itself, re-entry, the clock, alerts,
and the invigilator's board and actions."""

from __future__ import annotations

from datetime import date

import pytest

from certification.models import CertificationAnswerRow, CertificationCourseRow, IssueReportRow
from certification.test_day import rows
from certification.test_day.candidate import Step
from certification.test_day.errors import TestDayError, TestDayRefusal
from certification.test_day.invigilator import LiveStatus
from certification.test_day.progress import TestFacts, record_of
from certification.test_day.service import TestDayService
from content_bank.loader import default_referential
from engine.answers import AnswerStatus, is_correct
from engine.certification.v3 import score_v3
from engine.referential import Challenge, ChallengeType
from tests.certification.conftest import START
from tests.certification.day import ACCESS_CODE, PASSWORD, Day, enrol, make_day


@pytest.fixture
def referential():  # type: ignore[no-untyped-def]
    return default_referential()


@pytest.fixture
def service(sessions, clock, referential) -> TestDayService:  # type: ignore[no-untyped-def]
    counter = iter(range(1, 10_000))
    return TestDayService(sessions, referential, clock=clock, seeds=lambda: f"seed-{next(counter)}")


@pytest.fixture
def day(sessions, referential) -> Day:  # type: ignore[no-untyped-def]
    with sessions.begin() as db:
        return make_day(db, referential, START)


def right_answer(challenge: Challenge) -> object:
    """A right answer for the shipped bank's challenge (its solution, as the form would send it)."""
    sol = challenge.solution
    if challenge.type is ChallengeType.QCU:
        return sol
    if challenge.type is ChallengeType.QCM:
        return sorted(sol)  # type: ignore[arg-type]
    if challenge.type is ChallengeType.QROC:
        return {challenge.inputs[0].name: next(iter(sol))}  # type: ignore[arg-type]
    if challenge.type is ChallengeType.QROCM_IND:
        return {name: accepted[0] for name, accepted in sol.items()}  # type: ignore[attr-defined]
    return {i.name: group[0] for i, group in zip(challenge.inputs, sol, strict=False)}  # type: ignore[arg-type]


def seated(service: TestDayService, day: Day) -> int:
    """The pupil joined, confirmed their identity, was seen present and started: the course id."""
    assert service.join(day.pupil, day.number, ACCESS_CODE).step is Step.IDENTITY
    service.confirm_identity(day.pupil, day.candidate_id)
    service.act(day.head, day.session_id, "presence", day.candidate_id)
    return service.start(day.pupil, day.candidate_id)


def test_a_wrong_code_or_number_is_refused_without_saying_which(service, day):
    for number, code in ((day.number, "BCDF24"), (day.number + 1, ACCESS_CODE)):
        with pytest.raises(TestDayError) as refused:
            service.join(day.pupil, number, code)
        assert refused.value.code is TestDayRefusal.WRONG_SESSION_OR_CODE


def test_the_code_is_read_as_typed_lower_case_and_spaces(service, day):
    assert service.join(day.pupil, day.number, " bcdf 23 ").step is Step.IDENTITY


def test_a_pupil_not_enrolled_is_refused(service, day, sessions, referential):
    from tests.certification import people
    with sessions.begin() as db:
        other = people.gar_person(db, "0750001A", "National_elv", "intrus", "Paul", "Intrus")
    with pytest.raises(TestDayError) as refused:
        service.join(other, day.number, ACCESS_CODE)
    assert refused.value.code is TestDayRefusal.NOT_ENROLLED


def test_a_pupil_who_is_not_certifiable_is_refused_with_what_is_missing(service, sessions, referential):
    with sessions.begin() as db:
        day = make_day(db, referential, START, certifiable=False)
    with pytest.raises(TestDayError) as refused:
        service.join(day.pupil, day.number, ACCESS_CODE)
    assert refused.value.code is TestDayRefusal.NOT_CERTIFIABLE
    assert str(refused.value) == "5"


def test_a_pupil_enrolled_from_a_csv_links_their_account_by_name_and_birth_date(service, sessions, referential, day):
    from tests.certification import people
    with sessions.begin() as db:
        account = people.gar_person(db, "0750001A", "National_elv", "csv-pupil", "Zoé", "Durand")
        from tests.certification.day import make_certifiable
        make_certifiable(db, referential, account, START)
        csv_candidate = enrol(db, day.session_id, None, "Zoé", "Dùrand-Petit", birth_date=date(2011, 1, 2))
    assert service.join(account, day.number, ACCESS_CODE).step is Step.IDENTIFY
    with pytest.raises(TestDayError):
        service.identify(account, day.number, ACCESS_CODE, "Durand-Petit", "Zoé", date(2011, 1, 3))
    assert service.identify(account, day.number, ACCESS_CODE, "durand petit", "ZOE", date(2011, 1, 2)) == csv_candidate
    assert service.join(account, day.number, ACCESS_CODE).step is Step.IDENTITY


def test_the_test_starts_only_once_the_invigilator_confirmed_presence(service, day):
    service.join(day.pupil, day.number, ACCESS_CODE)
    service.confirm_identity(day.pupil, day.candidate_id)
    assert service.join(day.pupil, day.number, ACCESS_CODE).step is Step.WAITING
    assert service.board(day.head, day.session_id).lines[0].status is LiveStatus.ARRIVED
    with pytest.raises(TestDayError) as refused:
        service.start(day.pupil, day.candidate_id)
    assert refused.value.code is TestDayRefusal.NOT_PRESENT
    service.act(day.head, day.session_id, "presence", day.candidate_id)
    assert service.view(day.pupil, day.candidate_id).present
    assert service.join(day.pupil, day.number, ACCESS_CODE).step is Step.TEST
    course = service.start(day.pupil, day.candidate_id)
    assert service.start(day.pupil, day.candidate_id) == course  # idempotent


def test_a_reload_shows_the_same_question_and_a_right_answer_is_ok(service, day):
    seated(service, day)
    first = service.current(day.pupil, day.candidate_id)
    assert first.challenge is not None and first.answered == 0 and first.length == 32
    assert first.remaining_seconds == 105 * 60
    assert service.current(day.pupil, day.candidate_id).challenge.id == first.challenge.id
    outcome = service.answer(day.pupil, day.candidate_id, first.challenge.id, right_answer(first.challenge))
    assert outcome.status is AnswerStatus.OK and not outcome.ended
    assert is_correct(first.challenge, right_answer(first.challenge))
    replay = service.answer(day.pupil, day.candidate_id, first.challenge.id, None, skipped=True)
    assert replay.replayed and replay.status is AnswerStatus.OK
    second = service.current(day.pupil, day.candidate_id)
    assert second.answered == 1 and second.challenge.id != first.challenge.id
    with pytest.raises(TestDayError) as refused:
        service.answer(day.pupil, day.candidate_id, first.challenge.id + "x", None, skipped=True)
    assert refused.value.code is TestDayRefusal.NOT_CURRENT_CHALLENGE


def test_thirty_two_answers_end_the_test_and_it_scores(service, day, sessions, referential):
    seated(service, day)
    for n in range(32):
        view = service.current(day.pupil, day.candidate_id)
        assert view.challenge is not None, n
        outcome = service.answer(day.pupil, day.candidate_id, view.challenge.id, right_answer(view.challenge))
        assert outcome.ended is (n == 31)
    view = service.current(day.pupil, day.candidate_id)
    assert view.state == "ended" and view.challenge is None and view.answered == 32
    assert service.join(day.pupil, day.number, ACCESS_CODE).step is Step.FINISHED
    with sessions.begin() as db:
        course = db.query(CertificationCourseRow).one()
        facts = rows.facts_of(db, course, _candidate(db, day), _session(db, day))
    result = score_v3(service.pool, record_of(facts))
    assert result.score is not None and result.score > 0


def _candidate(db, day):  # type: ignore[no-untyped-def]
    from certification.models import CandidateRow
    return db.get(CandidateRow, day.candidate_id)


def _session(db, day):  # type: ignore[no-untyped-def]
    from certification.models import SessionRow
    return db.get(SessionRow, day.session_id)


def test_the_clock_is_the_servers_and_time_up_ends_the_test(service, day, clock):
    seated(service, day)
    clock.advance(minutes=100)
    view = service.current(day.pupil, day.candidate_id)
    assert view.remaining_seconds == 5 * 60 and view.warning_minutes == 5
    clock.advance(minutes=3)
    assert service.current(day.pupil, day.candidate_id).warning_minutes == 5
    clock.advance(minutes=2)
    challenge = view.challenge
    outcome = service.answer(day.pupil, day.candidate_id, challenge.id, right_answer(challenge))
    assert outcome.ended and outcome.replayed  # not recorded: the time was up
    assert service.current(day.pupil, day.candidate_id).state == "ended"


def test_extra_time_and_added_minutes_lengthen_the_test(service, sessions, referential, clock):
    with sessions.begin() as db:
        day = make_day(db, referential, START, extra_time_percent=30)
    seated(service, day)
    assert service.current(day.pupil, day.candidate_id).remaining_seconds == int(105 * 1.3 * 60)
    service.act(day.head, day.session_id, "temps", day.candidate_id, minutes=10)
    assert service.current(day.pupil, day.candidate_id).remaining_seconds == int(105 * 1.3 * 60) + 600
    with pytest.raises(TestDayError):
        service.act(day.head, day.session_id, "temps", day.candidate_id, minutes=0)


def test_leaving_and_coming_back_needs_the_invigilator_and_loses_nothing(service, day, clock):
    """Closed laptop: the pupil comes back 20 minutes later through the session form; the invigilator lets them in;
    the same question, the same time left as when they were last seen."""
    seated(service, day)
    clock.advance(minutes=7)
    before = service.current(day.pupil, day.candidate_id)
    clock.advance(minutes=20)
    assert service.join(day.pupil, day.number, ACCESS_CODE).step is Step.REENTRY
    assert service.board(day.head, day.session_id).lines[0].status is LiveStatus.AWAITING_REENTRY
    waiting = service.current(day.pupil, day.candidate_id)
    assert waiting.state == "awaiting_reentry" and waiting.challenge is None
    with pytest.raises(TestDayError) as refused:
        service.answer(day.pupil, day.candidate_id, before.challenge.id, None, skipped=True)
    assert refused.value.code is TestDayRefusal.AWAITING_REENTRY
    clock.advance(minutes=3)
    service.act(day.head, day.session_id, "reprise", day.candidate_id)
    assert service.join(day.pupil, day.number, ACCESS_CODE).step is Step.TEST
    after = service.current(day.pupil, day.candidate_id)
    assert after.challenge.id == before.challenge.id
    assert after.remaining_seconds == before.remaining_seconds
    assert service.board(day.head, day.session_id).lines[0].status is LiveStatus.IN_TEST


def test_a_new_service_finds_the_same_question_and_time(service, day, sessions, referential, clock):
    """A worker restart: nothing lives in the process."""
    seated(service, day)
    clock.advance(minutes=3)
    before = service.current(day.pupil, day.candidate_id)
    restarted = TestDayService(sessions, referential, clock=clock)
    after = restarted.current(day.pupil, day.candidate_id)
    assert (after.challenge.id, after.remaining_seconds) == (before.challenge.id, before.remaining_seconds)


def test_a_pause_stops_the_clock(service, day, clock):
    seated(service, day)
    clock.advance(minutes=10)
    service.act(day.head, day.session_id, "pause", day.candidate_id)
    clock.advance(minutes=15)
    view = service.current(day.pupil, day.candidate_id)
    assert view.state == "paused" and view.challenge is None and view.remaining_seconds == 95 * 60
    assert service.board(day.head, day.session_id).lines[0].status is LiveStatus.PAUSED
    service.act(day.head, day.session_id, "reprendre", day.candidate_id)
    clock.advance(minutes=1)
    assert service.current(day.pupil, day.candidate_id).remaining_seconds == 94 * 60


def test_the_invigilator_ends_a_test(service, day):
    seated(service, day)
    service.act(day.head, day.session_id, "terminer", day.candidate_id)
    assert service.current(day.pupil, day.candidate_id).state == "ended"
    assert service.board(day.head, day.session_id).lines[0].status is LiveStatus.FINISHED


def test_a_validated_focus_alert_neutralises_and_replaces_the_question(service, day, sessions):
    seated(service, day)
    first = service.current(day.pupil, day.candidate_id).challenge
    assert service.raise_alert(day.pupil, day.candidate_id, first.id, "focus_out")
    assert not service.raise_alert(day.pupil, day.candidate_id, first.id, "focus_out")  # once per question
    line = service.board(day.head, day.session_id).lines[0]
    assert [(a.kind, a.question) for a in line.alerts] == [("focus_out", 1)]
    service.answer(day.pupil, day.candidate_id, first.id, right_answer(first))
    with sessions.begin() as db:
        stored = db.query(CertificationAnswerRow).one()
        assert stored.focused_out
    service.resolve_alert(day.head, day.session_id, line.alerts[0].alert_id, validate=True)
    view = service.current(day.pupil, day.candidate_id)
    assert view.answered == 0 and view.length == 32  # replaced: 32 questions still to count
    assert service.board(day.head, day.session_id).lines[0].alerts == ()


def test_a_refused_alert_lets_the_answer_count(service, day, sessions):
    seated(service, day)
    first = service.current(day.pupil, day.candidate_id).challenge
    service.raise_alert(day.pupil, day.candidate_id, first.id, "not_displayed")
    with pytest.raises(TestDayError) as refused:  # the question waits for the invigilator
        service.answer(day.pupil, day.candidate_id, first.id, right_answer(first))
    assert refused.value.code is TestDayRefusal.ALERT_PENDING
    assert service.current(day.pupil, day.candidate_id).pending_alert == "not_displayed"
    alert = service.board(day.head, day.session_id).lines[0].alerts[0]
    service.resolve_alert(day.head, day.session_id, alert.alert_id, validate=False)
    assert service.answer(day.pupil, day.candidate_id, first.id, right_answer(first)).status is AnswerStatus.OK
    assert service.current(day.pupil, day.candidate_id).answered == 1


def test_a_validated_alert_on_an_unanswered_question_gives_another_one(service, day, sessions):
    seated(service, day)
    first = service.current(day.pupil, day.candidate_id).challenge
    service.raise_alert(day.pupil, day.candidate_id, first.id, "not_displayed")
    alert = service.board(day.head, day.session_id).lines[0].alerts[0]
    service.resolve_alert(day.head, day.session_id, alert.alert_id, validate=True)
    view = service.current(day.pupil, day.candidate_id)
    assert view.challenge.id != first.id and view.answered == 0
    with sessions.begin() as db:
        course = db.query(CertificationCourseRow).one()
        facts = rows.facts_of(db, course, _candidate(db, day), _session(db, day))
        assert facts.neutralised == {first.id}
        assert db.query(IssueReportRow).one().resolution == "validated"


def test_no_focus_alert_for_a_candidate_with_an_accessibility_adjustment(service, sessions, referential):
    with sessions.begin() as db:
        day = make_day(db, referential, START, accessibility_adjustment=True)
    seated(service, day)
    view = service.current(day.pupil, day.candidate_id)
    assert not view.focus_check
    assert not service.raise_alert(day.pupil, day.candidate_id, view.challenge.id, "focus_out")


def test_another_centres_staff_and_pupils_cannot_invigilate(service, day, sessions, referential):
    from tests.certification import people
    with sessions.begin() as db:
        other = make_day(db, referential, START, number=7654321, uai="0750002B")
        teacher = people.gar_person(db, "0750001A", "National_ens", "prof", "Jean", "Prof")
    assert service.open_space(day.head, day.number, PASSWORD.lower()) == day.session_id
    assert service.open_space(teacher, day.number, PASSWORD) == day.session_id  # a teacher of the school
    for account, password in ((other.head, PASSWORD), (day.pupil, PASSWORD), (day.head, "AAAAAA")):
        with pytest.raises(TestDayError):
            service.open_space(account, day.number, password)
    with pytest.raises(TestDayError) as refused:
        service.board(other.head, day.session_id)
    assert refused.value.code is TestDayRefusal.NOT_STAFF
    with pytest.raises(TestDayError):
        service.act(other.head, day.session_id, "presence", day.candidate_id)
    with pytest.raises(TestDayError) as refused:  # a candidate of another session, from this session's space
        service.act(day.head, day.session_id, "presence", other.candidate_id)
    assert refused.value.code is TestDayRefusal.UNKNOWN_CANDIDATE


def test_a_pupil_cannot_see_another_pupils_test(service, day, sessions, referential):
    from tests.certification import people
    with sessions.begin() as db:
        other = people.gar_person(db, "0750001A", "National_elv", "autre", "Max", "Autre")
    seated(service, day)
    with pytest.raises(TestDayError) as refused:
        service.current(other, day.candidate_id)
    assert refused.value.code is TestDayRefusal.UNKNOWN_CANDIDATE


def test_facts_make_the_engines_record():
    facts = TestFacts("v3", "s", date(2026, 3, 2), (rows.StoredAnswer("a", "ok"),), frozenset({"a", "b"}))
    record = record_of(facts)
    assert record.neutralised == {"a"} and record.answers[0].status is AnswerStatus.OK


def test_a_v2_session_asks_the_planned_challenges_in_order(service, sessions, referential):
    with sessions.begin() as db:
        day = make_day(db, referential, START, version="v2")
    seated(service, day)
    with sessions.begin() as db:
        planned = [p[1] for p in db.query(CertificationCourseRow).one().planned]
    assert planned
    asked = []
    while (view := service.current(day.pupil, day.candidate_id)).challenge is not None:
        assert view.length == len(planned)
        asked.append(view.challenge.id)
        service.answer(day.pupil, day.candidate_id, view.challenge.id, right_answer(view.challenge))
    assert asked == planned and view.state == "ended"
