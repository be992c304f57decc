"""The certification migration creates exactly the tables the models describe (columns, types, nullability,
indexes, unique constraints), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session, sessionmaker

from certification import models  # noqa: F401 (registers the tables)
from core.db import Base


def test_migration_matches_the_models(sessions: sessionmaker[Session]) -> None:
    with sessions.kw["bind"].connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, Base.metadata) if "certification_" in repr(d)]
    assert diff == []


def test_repository_finds_a_session_by_number_its_candidate_by_account_and_the_course(
        sessions: sessionmaker[Session]) -> None:
    from datetime import UTC, date, datetime

    from certification import repository
    from certification.models import CandidateRow, CentreRow, CertificationCourseRow, SessionRow
    from core.accounts import Account

    with sessions.begin() as db:
        pupil = Account(issuer="urn:gar", sub="eleve")
        centre = CentreRow(kind="school", name="Collège", uai="0750001A")
        db.add_all([pupil, centre])
        db.flush()
        row = SessionRow(centre_id=centre.id, number=12345, date=date(2026, 5, 4), time="09:00", room="CDI",
                         examiner="M. Prof", access_code="BCDF23", invigilator_password="abc234")
        db.add(row)
        db.flush()
        cand = CandidateRow(session_id=row.id, account_id=pupil.id, first_name="Léa", last_name="Martin")
        db.add(cand)
        db.flush()
        db.add(CertificationCourseRow(candidate_id=cand.id, session_id=row.id, account_id=pupil.id, version="v3",
                                      seed="s", started_at=datetime(2026, 5, 4, 9, tzinfo=UTC)))
    with sessions() as db:
        found = repository.session_by_number(db, 12345)
        assert found is not None and found.room == "CDI" and repository.session_by_number(db, 99999) is None
        assert repository.centre_by_uai(db, "0750001a").name == "Collège"
        cand = repository.candidate_by_account(db, found.id, pupil.id)
        assert cand is not None and cand.first_name == "Léa" and cand.extra_time_percent == 0
        course = repository.course_of_candidate(db, cand.id)
        assert course is not None and course.state == "started" and course.paused_seconds == 0
