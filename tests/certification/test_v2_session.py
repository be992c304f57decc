"""The v2 certification (engine.certification.v2, the 19-rule table) end to end through the sessions: a centre set
to v2, a session created by its head (v2 from the centre), three pupils enrolled from the class, the test day
through the real use cases (join, identity, presence, the planned challenges in order, a validated alert),
finalisation, the results by `score_v2`, publication and the certificates."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from certificates import repository as certificates
from certificates.attestation import attestations_pdf
from certificates.views import certificate_of
from certification import centres, repository
from certification.access import SessionCreators
from certification.finalisation import FinalisationReport
from certification.models import CertificationCourseRow, ResultRow
from certification.service import CertificationStaff
from certification.sessions import SessionDraft
from certification.test_day import rows
from certification.test_day.candidate import Step
from certification.test_day.service import TestDayService
from content_bank.loader import default_referential
from engine.certification.records import CertificationVersion
from engine.certification.v2 import CertifiedLevelStatus, certified_level_status
from engine.referential import Challenge
from tests.certification import people
from tests.certification.day import make_certifiable
from tests.certification.test_test_day import right_answer

UAI = "0750001A"
DAY = datetime(2026, 5, 4, 9, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = DAY

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def referential():  # type: ignore[no-untyped-def]
    return default_referential()


def wrong_answer(challenge: Challenge) -> object:
    return {i.name: "zzz-faux" for i in challenge.inputs} if challenge.inputs else "zzz-faux"


def _school(db: Session, referential, clock: Clock) -> tuple[int, int, list[int]]:  # type: ignore[no-untyped-def]
    head = people.gar_person(db, UAI, "National_dir", "dir-v2", "Claire", "Directrice")
    pupils = [people.gar_person(db, UAI, "National_elv", f"elv-v2-{i}", given, family, division="3A")
              for i, (given, family) in enumerate((("Léa", "Martin"), ("Hugo", "Bernard"), ("Inès", "Petit")))]
    for pupil in pupils:
        make_certifiable(db, referential, pupil, clock.now - timedelta(days=30))
    centre = centres.open_school_centre(db, UAI, "Collège Jean Moulin", head)
    return head, centre.id, pupils


def _seated(day: TestDayService, staff_id: int, session_id: int, number: int, code: str, pupil: int,
            candidate_id: int) -> None:
    assert day.join(pupil, number, code).step is Step.IDENTITY
    day.confirm_identity(pupil, candidate_id)
    day.act(staff_id, session_id, "presence", candidate_id)
    day.start(pupil, candidate_id)


def test_a_v2_session_from_the_centre_setting_to_the_certificates(sessions: sessionmaker[Session], referential
                                                                  ) -> None:
    clock = Clock()
    staff = CertificationStaff(sessions, referential, clock=clock)
    counter = iter(range(1, 100))
    day = TestDayService(sessions, referential, clock=clock, seeds=lambda: f"v2-seed-{next(counter)}")
    with sessions.begin() as db:
        head, centre_id, pupils = _school(db, referential, clock)

    # the centre chooses v2; the session created afterwards is a v2 session
    staff.change_settings(head, centre_id, centres.CentreSettings(
        "Collège Jean Moulin", CertificationVersion.V2, SessionCreators.MANAGERS, "automatic", None))
    session = staff.create_session(head, centre_id, SessionDraft(DAY.date(), "09:00", "CDI", "Mme Durand", ""))
    assert session.version == "v2"
    assert staff.enrol(head, session.id, pupils) == 3
    with sessions.begin() as db:
        lea, hugo, ines = (repository.candidate_by_account(db, session.id, p).id for p in pupils)
        number, code = session.number, repository.session_by_id(db, session.id).access_code

    # Léa answers every planned challenge right, Hugo every one wrong
    for pupil, candidate_id, answer in ((pupils[0], lea, right_answer), (pupils[1], hugo, wrong_answer)):
        _seated(day, head, session.id, number, code, pupil, candidate_id)
        while (view := day.current(pupil, candidate_id)).challenge is not None:
            day.answer(pupil, candidate_id, view.challenge.id, answer(view.challenge))  # type: ignore[arg-type]
            clock.now += timedelta(seconds=30)
        assert view.state == "ended"

    # Inès: the third question does not display, the invigilator validates the alert (neutralised, not replaced:
    # v2 has a fixed plan), she answers everything else right
    _seated(day, head, session.id, number, code, pupils[2], ines)
    with sessions() as db:
        planned = [p[1] for p in db.query(CertificationCourseRow).filter_by(candidate_id=ines).one().planned]
    asked, shown = [], []
    while (view := day.current(pupils[2], ines)).challenge is not None:
        challenge = view.challenge
        shown.append((view.answered + 1, view.length))
        if len(asked) == 2 and challenge.id == planned[2]:
            day.raise_alert(pupils[2], ines, challenge.id, rows.NOT_DISPLAYED)
            [line] = [c for c in day.board(head, session.id).lines if c.candidate_id == ines]
            day.resolve_alert(head, session.id, line.alerts[0].alert_id, validate=True)
            asked.append(challenge.id)
            continue
        day.answer(pupils[2], ines, challenge.id, right_answer(challenge))
        asked.append(challenge.id)
    assert asked == planned, "v2 asks its planned challenges in order, the neutralised one is not replaced"
    assert shown[-1] == (len(planned) - 1, len(planned) - 1), "the last question is the last of the count shown"
    [line] = [c for c in day.board(head, session.id).lines if c.candidate_id == ines]
    assert (line.answered, line.length) == (len(planned) - 1, len(planned) - 1)

    # finalisation (automatic publication): every test scored by the v2 engine
    staff.finalise(head, session.id, FinalisationReport())
    with sessions() as db:
        results = {r.candidate_id: r for r in db.query(ResultRow).all()}
        courses = {c.candidate_id: c for c in db.query(CertificationCourseRow).all()}
        assert repository.session_by_id(db, session.id).state == "published"
        profile = {str(code): (int(level), int(pix)) for code, _c, level, pix in courses[lea].planned}
        assert profile and all(level >= 1 for level, _ in profile.values())

        assert results[lea].status == "validated" and results[lea].reproducibility_rate == 100.0
        assert results[lea].competence_levels == {code: level for code, (level, _) in profile.items()}
        assert results[lea].score == sum(pix for _, pix in profile.values())
        assert results[lea].global_level is None and results[lea].capacity is None

        assert results[hugo].status == "rejected" and results[hugo].score == 0
        assert results[hugo].reproducibility_rate == 0.0

        neutralised = planned[2]
        assert results[ines].neutralised == [neutralised] and results[ines].reproducibility_rate == 100.0
        assert results[ines].status == "validated"
        # the neutralised challenge's competence goes through a rule with one neutralised challenge: still validated
        its_code = next(p[0] for p in courses[ines].planned if p[1] == neutralised)
        count = sum(1 for p in courses[ines].planned if p[0] == its_code)
        assert certified_level_status(count, count - 1, 1, 100.0) is CertifiedLevelStatus.VALIDATED
        assert results[ines].competence_levels[its_code] == profile[its_code][0]

        # the certificates: one per scored candidate, a verification code for the validated ones
        issued = {r.last_name: r for r in certificates.of_session(db, session.id)}
        assert sorted(issued) == ["Bernard", "Martin", "Petit"]
        assert issued["Martin"].version == "v2" and issued["Martin"].verification_code
        assert issued["Martin"].score == results[lea].score and issued["Martin"].status == "validated"
        assert issued["Bernard"].status == "rejected" and issued["Bernard"].verification_code is None
        assert issued["Martin"].session_date == date(2026, 5, 4)
        shown = certificate_of(issued["Martin"], referential)
        assert shown.global_level is None and shown.score == results[lea].score
        assert {c.code: c.level for c in shown.competences if c.level > 0} == results[lea].competence_levels
    pdf = PdfReader(io.BytesIO(attestations_pdf([shown], "https://pix-lti.example.fr")))
    assert shown.code in pdf.pages[0].extract_text()


def test_a_v2_test_left_with_questions_unanswered_is_scored_on_the_whole_plan(sessions: sessionmaker[Session],
                                                                              referential) -> None:
    """The candidate leaves after two questions (ended by the invigilator): the unanswered planned challenges count
    as asked and wrong, so the rate is below 50 % and the result rejected."""
    clock = Clock()
    staff = CertificationStaff(sessions, referential, clock=clock)
    day = TestDayService(sessions, referential, clock=clock, seeds=lambda: "v2-left")
    with sessions.begin() as db:
        head, centre_id, pupils = _school(db, referential, clock)
        centres.change_settings(db, centre_id, centres.CentreSettings(
            "Collège Jean Moulin", CertificationVersion.V2, SessionCreators.MANAGERS, "review", None), head)
    session = staff.create_session(head, centre_id, SessionDraft(DAY.date(), "09:00", "CDI", "Mme Durand", ""))
    staff.enrol(head, session.id, pupils[:1])
    with sessions.begin() as db:
        lea = repository.candidate_by_account(db, session.id, pupils[0]).id
        code = repository.session_by_id(db, session.id).access_code
    _seated(day, head, session.id, session.number, code, pupils[0], lea)
    for _ in range(2):
        view = day.current(pupils[0], lea)
        assert view.challenge is not None
        day.answer(pupils[0], lea, view.challenge.id, right_answer(view.challenge))  # type: ignore[arg-type]
    day.act(head, session.id, "terminer", lea)
    staff.finalise(head, session.id, FinalisationReport())
    with sessions() as db:
        [result] = db.query(ResultRow).all()
        planned = len(db.query(CertificationCourseRow).one().planned)
        assert planned > 4
        assert result.status == "rejected" and result.reproducibility_rate == pytest.approx(200.0 / planned)
        assert repository.session_by_id(db, session.id).state == "finalised"  # review: not published yet
        assert certificates.of_session(db, session.id) == []
    staff.publish(head, session.id)
    with sessions() as db:
        [certificate] = certificates.of_session(db, session.id)
        assert certificate.status == "rejected" and certificate.version == "v2"
