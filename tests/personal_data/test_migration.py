"""Migration 0007c on a database that already has matched class-list entries (SQLite and PostgreSQL): the names
move to the pupil's GAR profile, the matched entries and their birth dates go, waiting entries stay."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from core.db import MIGRATIONS_DIR, make_engine, run_migrations
from tests.lti.conftest import _reset_postgres, _service_url

BEFORE = ("0002_learning", "0003_grades", "0004_admin", "0005_gar", "0006_campaigns")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/old.sqlite3"
    url = _service_url("PIX_LTI_TEST_DATABASE_URL")
    _reset_postgres(url)
    return url


def test_matched_entries_become_profile_names_and_their_birth_dates_go(database_url: str) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        for revision in BEFORE:
            command.upgrade(config, revision)
        connection.commit()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO accounts (id, issuer, sub, created_at, last_launch_at) VALUES "
                                "(1, 'urn:gar', 'ido-1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO gar_schools (id, uai, created_at) VALUES (1, '0561641E', "
                                "CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO gar_profiles (account_id, role, profile_code, school_id, last_login_at) "
                                "VALUES (1, 'student', 'National_elv', 1, CURRENT_TIMESTAMP)"))
        for ident, family, account in ((1, "Martin", 1), (2, "Durand", None)):
            connection.execute(text(
                "INSERT INTO gar_roster_entries (id, school_id, family_name, given_name, birth_date, class_label, "
                "account_id, imported_at) VALUES (:i, 1, :f, 'Léa', :b, '3A', :a, CURRENT_TIMESTAMP)"),
                {"i": ident, "f": family, "b": date(2011, 3, 14), "a": account})
    run_migrations(engine)
    with engine.connect() as connection:
        profile = connection.execute(text("SELECT listed_given_name, listed_family_name FROM gar_profiles")).one()
        entries = connection.execute(text("SELECT family_name, account_id FROM gar_roster_entries")).all()
        erased = connection.execute(text("SELECT count(*) FROM privacy_erased_identities")).scalar_one()
    engine.dispose()
    assert tuple(profile) == ("Léa", "Martin")
    assert [tuple(e) for e in entries] == [("Durand", None)]
    assert erased == 0
