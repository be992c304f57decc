"""Migration 0007h_moodle on a database written by the previous code: the same Moodle course stored once
per deployment is merged into one course (memberships, activities, rosters, campaign organisations and their
campaigns), instructors' waiting scores are set aside, and the new unique key holds. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError

from core.db import MIGRATIONS_DIR
from tests.lti.conftest import _service_url

BEFORE = ("0002_learning", "0003_grades", "0004_admin", "0005_gar", "0006_campaigns")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _upgrade(engine: Engine, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
        connection.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path}/old.sqlite3")
        yield engine
        engine.dispose()
        return
    url = make_url(_service_url("PIX_LTI_TEST_DATABASE_URL"))
    name = f"{url.database}_m{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _insert(connection, table: str, **values: object) -> int:  # type: ignore[no-untyped-def]
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return int(connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"),
                                  values).scalar_one())


def test_duplicate_courses_of_one_platform_and_context_are_merged(old_database: Engine) -> None:
    engine = old_database
    for revision in BEFORE:
        _upgrade(engine, revision)
    issuer = "https://moodle.lycee.test"
    with engine.begin() as c:
        reg = _insert(c, "lti_registrations", issuer=issuer, client_id="c1", auth_login_url="u",
                      auth_token_url="u", keyset_url="u", status="active", created_at=NOW)
        first = _insert(c, "courses", issuer=issuer, deployment_id="1", context_id="42", title="SNT")
        second = _insert(c, "courses", issuer=issuer, deployment_id="2", context_id="42", title="SNT")
        other = _insert(c, "courses", issuer=issuer, deployment_id="2", context_id="43", title="Maths")
        prof, alice, bob = (_insert(c, "accounts", issuer=issuer, sub=s, created_at=NOW, last_launch_at=NOW)
                            for s in ("prof", "alice", "bob"))
        _insert(c, "memberships", account_id=prof, course_id=first, role="teacher")
        _insert(c, "memberships", account_id=prof, course_id=second, role="teacher")  # the same person twice
        _insert(c, "memberships", account_id=alice, course_id=second, role="student")
        _insert(c, "memberships", account_id=bob, course_id=other, role="student")
        link = _insert(c, "activities", issuer=issuer, deployment_id="2", resource_link_id="7", course_id=second,
                       custom="{}")
        orgs = [_insert(c, "campaign_organisations", kind="course", course_id=course, name="SNT", created_at=NOW)
                for course in (first, second)]
        for org, code in zip(orgs, ("AAAAAA111", "BBBBBB222"), strict=True):
            _insert(c, "campaigns", code=code, name=code, type="assessment", organisation_id=org,
                    multiple_sendings=False, created_by=prof, course_id=second if org == orgs[1] else first,
                    created_at=NOW)
        c.execute(text("INSERT INTO grades_rosters (course_id, fetched_at, member_count) VALUES (:a, :t, 2), "
                       "(:b, :t, 3)"), {"a": first, "b": second, "t": NOW})
        _insert(c, "grades_launch_services", account_id=prof, activity_id=link, registration_id=reg,
                lineitem="https://moodle.lycee.test/li/1", ags_scopes="[]", updated_at=NOW)
        _insert(c, "grades_outbox", kind="score", registration_id=reg, activity_id=link, account_id=prof,
                payload="{}", status="dead", attempts=1, next_attempt_at=NOW, created_at=NOW)

    _upgrade(engine, "heads")

    with engine.begin() as c:
        assert c.execute(text("SELECT id FROM courses WHERE context_id = '42'")).scalars().all() == [first]
        assert c.execute(text("SELECT course_id FROM courses c JOIN memberships m ON m.course_id = c.id "
                              "WHERE context_id = '43'")).scalars().all() == [other]
        members = c.execute(text("SELECT account_id, role FROM memberships WHERE course_id = :c ORDER BY account_id"),
                            {"c": first}).all()
        assert [tuple(m) for m in members] == [(prof, "teacher"), (alice, "student")]
        assert c.execute(text("SELECT course_id FROM activities WHERE id = :a"), {"a": link}).scalar() == first
        assert c.execute(text("SELECT count(*) FROM campaign_organisations")).scalar() == 1
        assert c.execute(text("SELECT DISTINCT organisation_id FROM campaigns")).scalars().all() == [orgs[0]]
        assert set(c.execute(text("SELECT course_id FROM campaigns")).scalars()) == {first}
        assert c.execute(text("SELECT course_id FROM grades_rosters")).scalars().all() == [first]
        assert c.execute(text("SELECT lineitem FROM grades_launch_services")).scalar() is None  # an instructor
        assert c.execute(text("SELECT status FROM grades_outbox")).scalar() == "superseded"
        assert c.execute(text("SELECT locale FROM grades_launch_services")).scalar() == "fr"
    with pytest.raises(IntegrityError), engine.begin() as c:
        _insert(c, "courses", issuer=issuer, deployment_id="3", context_id="42", title="SNT")
