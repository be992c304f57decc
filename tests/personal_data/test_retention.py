"""`pix-lti purge`: each retention period deletes what has outlived it and keeps what has not; the worker runs
the purge by itself."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from certificates.models import CertificateRow
from certification.models import CandidateRow, CentreRow, IssueReportRow, SessionRow
from core.accounts import Account
from core.audit import AuditEntry
from core.courses import Course
from core.db import make_engine, make_session_factory
from core.rosters import Roster, RosterMember
from core.schools import GarSchool
from core.settings import Settings
from ent_gar_connector.models import GarRosterEntry
from learning.models import AnswerRow, AssessmentRow
from lti_tool.grades.models import DEAD, DELIVERED, PENDING, OutboxItem
from lti_tool.grades.runner import run_worker
from lti_tool.models import Registration
from privacy.erased import remember_erased
from privacy.models import ErasedIdentity
from privacy.retention import RetentionSettings, purge

NOW = datetime(2026, 9, 15, 8, 0, tzinfo=UTC)
SETTINGS = RetentionSettings(account_days=365, answer_text_days=180, delivered_outbox_days=30, dead_outbox_days=90,
                             course_roster_days=180, class_list_days=60, erased_identity_days=365)


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def _account(session: Session, sub: str, last_used: datetime) -> int:
    account = Account(issuer="https://lms.example", sub=sub, given_name=sub.title(), created_at=last_used,
                      last_launch_at=last_used)
    session.add(account)
    session.flush()
    return account.id


def _assessment(session: Session, account_id: int, ident: str, state: str, answered: datetime) -> None:
    session.add(AssessmentRow(id=ident, account_id=account_id, type="competence", competence_code="1.1",
                              target_skills=[], strategy="smart-random", seed="s", state=state, created_at=answered))
    session.flush()
    session.add(AnswerRow(assessment_id=ident, account_id=account_id, challenge_id=f"ch-{ident}",
                          value="J'habite 3 rue des Lilas", status="ko", created_at=answered))


def _count(sessions: sessionmaker[Session], model: type, *where: object) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)))  # type: ignore[arg-type]


def test_accounts_unused_for_a_school_year_are_erased_with_everything_they_own(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        old = _account(session, "ancien", days_ago(366))
        recent = _account(session, "recent", days_ago(364))
        _assessment(session, old, "a-old", "completed", days_ago(400))
        _assessment(session, recent, "a-recent", "completed", days_ago(10))
    report = purge(sessions, None, SETTINGS, NOW, "test")
    assert report.accounts == 1 and report.tables["accounts"] == 1 and report.tables["assessment_answers"] == 1
    with sessions() as session:
        assert session.get(Account, old) is None and session.get(Account, recent) is not None
    assert _count(sessions, AssessmentRow) == 1


def test_a_purge_asked_to_stop_returns_between_two_batches_and_the_next_one_finishes(sessions) -> None:  # type: ignore[no-untyped-def]
    """The worker's purge runs in a thread that cannot be cancelled: on SIGTERM it returns before the next batch
    of accounts, what it committed stays, and the next purge does the rest."""
    with sessions.begin() as session:
        old = _account(session, "ancien", days_ago(366))
    report = purge(sessions, None, SETTINGS, NOW, "test", stopping=lambda: True)
    assert report.interrupted and report.accounts == 0 and report.tables == {}
    with sessions() as session:
        assert session.get(Account, old) is not None
    report = purge(sessions, None, SETTINGS, NOW, "test", stopping=lambda: False)
    assert not report.interrupted and report.accounts == 1
    with sessions() as session:
        assert session.get(Account, old) is None


def test_the_text_of_old_answers_of_finished_tests_is_cleared_and_their_status_kept(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        pupil = _account(session, "eleve", days_ago(1))
        _assessment(session, pupil, "done-old", "completed", days_ago(181))
        _assessment(session, pupil, "done-recent", "completed", days_ago(179))
        _assessment(session, pupil, "open-old", "started", days_ago(200))
    report = purge(sessions, None, SETTINGS, NOW, "test")
    assert report.tables["assessment_answers.value (NULL)"] == 1
    with sessions() as session:
        answers = {a.assessment_id: a for a in session.scalars(select(AnswerRow))}
    assert answers["done-old"].value is None and answers["done-old"].status == "ko"
    assert answers["done-recent"].value == "J'habite 3 rue des Lilas"
    assert answers["open-old"].value == "J'habite 3 rue des Lilas"  # a test still open keeps its last answer


def test_delivered_grades_go_after_30_days_and_dead_ones_after_90(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        pupil = _account(session, "eleve", days_ago(1))
        registration = Registration(issuer="https://lms.example", client_id="c", auth_login_url="https://x/a",
                                    auth_token_url="https://x/t", keyset_url="https://x/k")
        session.add(registration)
        session.flush()
        for name, status, created in (("old-delivered", DELIVERED, 31), ("new-delivered", DELIVERED, 29),
                                      ("old-pending", PENDING, 100), ("old-dead", DEAD, 91), ("new-dead", DEAD, 89)):
            session.add(OutboxItem(kind="score", registration_id=registration.id, account_id=pupil,
                                   payload={"userId": "eleve", "note": name}, status=status,
                                   created_at=days_ago(created),
                                   delivered_at=days_ago(created) if status == DELIVERED else None))
    report = purge(sessions, None, SETTINGS, NOW, "test")
    assert report.tables["grades_outbox"] == 2
    with sessions() as session:
        left = sorted(item.payload["note"] for item in session.scalars(select(OutboxItem)))
    assert left == ["new-dead", "new-delivered", "old-pending"]


def test_rosters_of_courses_no_longer_launched_are_deleted(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        for context, fetched in (("old", 181), ("live", 5)):
            course = Course(issuer="https://lms.example", deployment_id="d", context_id=context)
            session.add(course)
            session.flush()
            session.add(Roster(course_id=course.id, fetched_at=days_ago(fetched), member_count=1))
            session.add(RosterMember(course_id=course.id, user_id=f"u-{context}", name="Jeanne Roster", roles=[]))
    report = purge(sessions, None, SETTINGS, NOW, "test")
    assert report.tables == {"grades_roster_members": 1, "grades_rosters": 1}
    with sessions() as session:
        assert list(session.scalars(select(RosterMember.user_id))) == ["u-live"]


def test_class_list_entries_never_matched_are_deleted_at_the_deadline(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        school = GarSchool(uai="0561641E")
        session.add(school)
        session.flush()
        for family, imported in (("Ancien", 61), ("Recent", 59)):
            session.add(GarRosterEntry(school_id=school.id, family_name=family, given_name="X",
                                       birth_date=date(2011, 1, 1), class_label="3A", imported_at=days_ago(imported)))
    report = purge(sessions, None, SETTINGS, NOW, "test")
    assert report.tables == {"gar_roster_entries": 1}
    with sessions() as session:
        assert list(session.scalars(select(GarRosterEntry.family_name))) == ["Recent"]


def test_erased_identities_are_forgotten_after_their_period(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        remember_erased(session, [("https://lms.example", "gone-long-ago")], days_ago(366))
        remember_erased(session, [("https://lms.example", "gone-lately")], days_ago(10))
    report = purge(sessions, None, SETTINGS, NOW, "test")
    assert report.tables == {"privacy_erased_identities": 1}
    assert _count(sessions, ErasedIdentity) == 1


def _session_with_candidate(session: Session, number: int, held: date, state: str, family: str) -> int:
    centre = session.scalar(select(CentreRow)) or CentreRow(kind="school", uai="0750001A", name="Collège", version="v3",
                                                             session_creators="managers", publication="automatic")
    session.add(centre)
    session.flush()
    row = SessionRow(centre_id=centre.id, number=number, date=held, time="09:00", room="CDI", address="",
                     examiner="M. X", description="", access_code="BCDF23", invigilator_password="K7M4QR",
                     version="v3", state=state, examiner_comment=f"{family} est arrivé en retard")
    session.add(row)
    session.flush()
    candidate = CandidateRow(session_id=row.id, account_id=None, first_name="Léa", last_name=family,
                             birth_date=date(2010, 5, 4), division="3A", extra_time_percent=30,
                             accessibility_adjustment=True)
    session.add(candidate)
    session.flush()
    session.add(IssueReportRow(candidate_id=candidate.id, kind="incident", category="other",
                               comment=f"{family} a quitté la salle", raised_at=days_ago(1)))
    session.add(CertificateRow(certification_course_id=number, session_id=row.id, session_number=number,
                               centre_id=centre.id, centre_name="Collège", session_date=held, version="v3",
                               first_name="Léa", last_name=family, birth_date=date(2010, 5, 4), status="validated",
                               score=300, competence_levels={}, verification_code=f"P-{number}"))
    return candidate.id


def test_certification_candidates_and_certificates_have_their_periods(sessions) -> None:  # type: ignore[no-untyped-def]
    """One school year after the session the candidates' names, birth date, class and adjustments are cleared (a
    session waiting for its review keeps them); a certificate is valid 3 years and shown as expired one more year,
    then deleted."""
    today = NOW.date()
    with sessions.begin() as session:
        old = _session_with_candidate(session, 1, today - timedelta(days=366), "published", "Ancienne")
        waiting = _session_with_candidate(session, 2, today - timedelta(days=400), "finalised", "Attente")
        recent = _session_with_candidate(session, 3, today - timedelta(days=364), "published", "Recente")
        _session_with_candidate(session, 4, today - timedelta(days=4 * 365 + 2), "published", "Perimee")
    report = purge(sessions, None, SETTINGS, NOW, "test")
    # the candidate of 4 years ago is cleared too
    assert report.tables == {"certification_candidates (identity cleared)": 2,
                             "certification_sessions.examiner_comment (NULL)": 2, "certificates": 1}
    with sessions() as session:
        cleared = session.get(CandidateRow, old)
        assert (cleared.first_name, cleared.last_name, cleared.birth_date, cleared.division,
                cleared.extra_time_percent, cleared.accessibility_adjustment) == ("", "", None, None, 0, False)
        assert session.scalar(select(IssueReportRow.comment).where(IssueReportRow.candidate_id == old)) == ""
        for kept, family in ((waiting, "Attente"), (recent, "Recente")):
            assert session.get(CandidateRow, kept).last_name == family
        assert sorted(session.scalars(select(CertificateRow.last_name))) == ["Ancienne", "Attente", "Recente"]
    assert purge(sessions, None, SETTINGS, NOW, "test").tables == {}  # done once


def test_every_purge_is_audited_with_counts_and_periods(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        _account(session, "ancien", days_ago(400))
    purge(sessions, None, SETTINGS, NOW, "cli")
    purge(sessions, None, SETTINGS, NOW, "cli")  # nothing left: still audited
    with sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.purge")
                                  .order_by(AuditEntry.id)).all()
    assert [e.details["accounts"] for e in entries] == [1, 0]
    assert entries[0].details["periods"]["account_days"] == 365 and entries[0].actor == "cli"
    assert "ancien" not in str(entries[0].details).lower()


def test_the_worker_runs_the_purge_by_itself(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/worker.sqlite3"
    engine = make_engine(url)
    settings = Settings(database_url=url, redis_url=None)

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_worker(settings, stop=stop,
                                              retention=RetentionSettings(purge_interval_seconds=60)))
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                if await asyncio.to_thread(_purged_by_worker, make_session_factory(engine)):
                    return
            raise AssertionError("the worker did not purge within 30 s")
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)

    asyncio.run(scenario())
    engine.dispose()


def _purged_by_worker(sessions: sessionmaker[Session]) -> bool:
    try:
        with sessions() as session:
            return session.scalar(select(AuditEntry.id).where(AuditEntry.action == "privacy.purge",
                                                              AuditEntry.actor == "worker")) is not None
    except Exception:  # the worker has not created the tables yet
        return False
