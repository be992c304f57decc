"""A database written by main before issue 17's reshaping (commit 9fc76fc: launches, a finished test, a delivered
score, a shared campaign, a GAR login and its school; built by tests/fixtures/build_main_database.py) upgrades to
the new heads with the new code, on SQLite and PostgreSQL, and reads back through the moved models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from campaigns.models import CampaignRow, ParticipationRow
from content_bank.loader import default_referential
from core.accounts import Account
from core.audit import recent_entries
from core.courses import Course, Membership
from core.db import MIGRATIONS_DIR, make_engine, make_session_factory, run_migrations
from core.schools import GAR_ISSUER, GarGroup, GarProfile, GarSchool, GarSchoolMember
from core.settings import Settings
from engine.scoring import ScorecardStatus
from learning.use_cases import LearningService
from lti_tool.grades.models import KIND_SCORE, OutboxItem
from lti_tool.models import Registration, ToolKey, ToolSecret
from pix_lti.app import create_app
from tests.gar.conftest import IDO_STUDENT, SCHOOL
from tests.lti.conftest import _reset_postgres, _service_url

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REF = default_referential()


def _unreached_heads(current: set[str]) -> set[str]:
    """The heads of core/migrations that the stamped revisions do not include (directly or as ancestors)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    reached = {r.revision for r in script.iterate_revisions(tuple(current), "base")}
    return set(script.get_heads()) - reached


@pytest.fixture(params=["sqlite", "postgres"])
def main_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        shutil.copy(FIXTURES / "main_9fc76fc.sqlite3", tmp_path / "tool.sqlite3")
        return f"sqlite:///{tmp_path}/tool.sqlite3"
    url = _service_url("PIX_LTI_TEST_DATABASE_URL")
    _reset_postgres(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql((FIXTURES / "main_9fc76fc_postgres.sql").read_text(encoding="utf-8"))
    finally:
        engine.dispose()
    return url


def test_a_database_of_main_before_the_reshaping_upgrades_and_reads_back(main_database: str) -> None:
    engine = make_engine(main_database)
    try:
        with engine.connect() as connection:
            before = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        assert "0007d_gar" in before
        run_migrations(engine)
        with engine.connect() as connection:
            after = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        assert _unreached_heads(after) == set()
        sessions = make_session_factory(engine)
        with sessions() as session:
            pupil = session.scalar(select(Account).where(Account.sub == "eleve-1"))
            gar_pupil = session.scalar(select(Account).where(Account.issuer == GAR_ISSUER, Account.sub == IDO_STUDENT))
            assert pupil is not None and gar_pupil is not None
            course = session.scalar(select(Course))
            assert course is not None
            assert session.scalar(select(Membership.role).where(Membership.account_id == pupil.id)) == "student"
            school = session.scalar(select(GarSchool).where(GarSchool.uai == SCHOOL))
            assert school is not None
            assert {g.kind for g in session.scalars(select(GarGroup).where(GarGroup.school_id == school.id))} == {
                "class", "group"}
            assert session.get(GarProfile, gar_pupil.id).role == "student"
            assert session.scalar(select(GarSchoolMember.account_id).where(GarSchoolMember.school_id == school.id)) \
                == gar_pupil.id
            campaign = session.scalar(select(CampaignRow))
            participation = session.scalar(select(ParticipationRow).where(ParticipationRow.account_id == pupil.id))
            assert campaign is not None and participation.status == "shared"
            score = session.scalar(select(OutboxItem).where(OutboxItem.kind == KIND_SCORE))
            assert score.status == "delivered" and score.account_id == pupil.id and score.score_value > 0
            assert session.scalar(select(Registration)).active
            recent_entries(session)  # the audit log table, now core.audit's, reads
        learning = LearningService(sessions, REF)
        assert learning.profile(pupil.id).scorecard("1.1").pix > 0
        assert learning.profile(gar_pupil.id).scorecard("2.1").status is ScorecardStatus.COMPLETED
    finally:
        engine.dispose()
    app = create_app(Settings(database_url=main_database, redis_url=None, base_url="http://localhost"))
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/healthz").json()["database"] is True


def test_the_clear_secrets_of_an_existing_database_are_encrypted_by_the_upgrade_and_decrypted_by_downgrade(
        main_database: str) -> None:
    from alembic import command

    engine = make_engine(main_database)
    query = text("SELECT private_pem FROM lti_tool_keys UNION ALL SELECT value FROM lti_tool_secrets")
    try:
        with engine.connect() as connection:
            clear = sorted(connection.execute(query).scalars())
        assert any(value.startswith("-----BEGIN PRIVATE KEY-----") for value in clear)
        run_migrations(engine)
        with engine.connect() as connection:
            stored = list(connection.execute(query).scalars())
        assert all(value.startswith("fernet:") for value in stored)
        assert not any("PRIVATE KEY" in value for value in stored)
        with make_session_factory(engine)() as session:  # the tool reads the same key and secret as before
            read = [key.private_pem for key in session.scalars(select(ToolKey))]
            read += [row.value for row in session.scalars(select(ToolSecret))]
        assert sorted(read) == clear
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008_h13_secrets_encrypted-1")
            connection.commit()
        with engine.connect() as connection:
            assert sorted(connection.execute(query).scalars()) == clear
    finally:
        engine.dispose()
