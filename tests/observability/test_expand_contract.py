"""Rolling upgrades (issue 23, docs/operations.md "Upgrades"): the expand migration 0009_h23a_outbox_last_attempt
is applied while instances of the previous release still run. On PostgreSQL: the previous release's outbox code
(tests/observability/old_outbox_0008.py, frozen from main) writes rows before the migration; the migration
backfills them; then the old code and the new code work side by side on the expanded schema — each claims,
records and lists rows the other wrote, and the new code tolerates the NULLs the old one leaves."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from core.db import MIGRATIONS_DIR, make_engine, make_session_factory, migration_heads, schema_state, utcnow
from lti_tool.grades import outbox as new
from lti_tool.grades.cli import _when
from lti_tool.grades.models import DEAD, DELIVERED, PENDING, OutboxItem
from lti_tool.registrations import add_registration
from tests.lti.conftest import _reset_postgres
from tests.observability import old_outbox_0008 as old

EXPAND = "0009_h23a_outbox_last_attempt"
PAYLOAD = {"score": {"userId": "u", "scoreGiven": 1.0, "scoreMaximum": 2.0}, "lineitem": "https://lms.test/li"}


def _alembic(engine: Engine, action, target: str) -> None:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, target)


@pytest.fixture
def previous_release() -> Iterator[tuple[Engine, sessionmaker[Session], int]]:
    """PostgreSQL at the previous release's schema (every head but the expand one), one platform registered."""
    url = os.environ.get("PIX_LTI_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail("PIX_LTI_TEST_DATABASE_URL is required")
        pytest.skip("PIX_LTI_TEST_DATABASE_URL not set")
    _reset_postgres(url)
    engine = make_engine(url)
    assert EXPAND in migration_heads()
    for head in sorted(migration_heads() - {EXPAND}):
        _alembic(engine, command.upgrade, head)
    assert "last_attempt_at" not in {c["name"] for c in inspect(engine).get_columns("grades_outbox")}
    sessions = make_session_factory(engine)
    with sessions() as session:  # add_registration commits
        registration = add_registration(session, issuer="https://lms.test", client_id="c",
                                        auth_login_url="https://lms.test/auth", auth_token_url="https://lms.test/token",
                                        keyset_url="https://lms.test/jwks", deployment_ids=["d"])
        registration_id = registration.id
    yield engine, sessions, registration_id
    engine.dispose()


def _old_enqueue(sessions: sessionmaker[Session], registration_id: int) -> int:
    with sessions.begin() as session:
        return old.enqueue_score(session, registration_id, 0.5, PAYLOAD)


def _old_deliver(sessions: sessionmaker[Session], status: str, error: str | None = None) -> list[int]:
    """The old worker's pass: claim what is due, record one outcome for all."""
    now = utcnow() + timedelta(seconds=1)
    with sessions() as session:
        claimed = old.claim(session, now=now, limit=10, lease_seconds=60)
    with sessions() as session:
        old.record(session, [old.Outcome(c.id, c.lease_until, status, error, now) for c in claimed], now)
    return [c.id for c in claimed]


def _row(sessions: sessionmaker[Session], item_id: int) -> OutboxItem:
    with sessions() as session:
        return session.scalars(select(OutboxItem).where(OutboxItem.id == item_id)).one()


def test_old_and_new_outbox_code_work_on_the_expanded_schema(previous_release) -> None:  # type: ignore[no-untyped-def]
    engine, sessions, registration_id = previous_release
    # --- the previous release, before the migration
    delivered_before = _old_enqueue(sessions, registration_id)
    assert _old_deliver(sessions, DELIVERED) == [delivered_before]
    dead_before = _old_enqueue(sessions, registration_id)
    assert _old_deliver(sessions, DEAD, "refusé") == [dead_before]

    # --- the new release's first instance starts: `upgrade heads` runs the expand migration
    _alembic(engine, command.upgrade, "heads")
    assert schema_state(engine) == "at_head"
    column = {c["name"]: c for c in inspect(engine).get_columns("grades_outbox")}["last_attempt_at"]
    assert column["nullable"]
    backfilled = _row(sessions, delivered_before)
    assert backfilled.last_attempt_at == backfilled.delivered_at is not None  # backfill: a delivery is an attempt
    assert _row(sessions, dead_before).last_attempt_at is None  # not recorded by the old release: unknown

    # --- old instances still run on the expanded schema: insert, claim, record, count, list, retry
    old_a, old_b = _old_enqueue(sessions, registration_id), _old_enqueue(sessions, registration_id)
    now = utcnow() + timedelta(seconds=1)
    with sessions() as session:
        claimed = old.claim(session, now=now, limit=10, lease_seconds=60)
    assert sorted(c.id for c in claimed) == [old_a, old_b]
    with sessions() as session:
        assert old.record(session, [old.Outcome(claimed[0].id, claimed[0].lease_until, DELIVERED),
                                    old.Outcome(claimed[1].id, claimed[1].lease_until, PENDING, "503", now)], now) == 2
    assert _row(sessions, old_a).status == DELIVERED and _row(sessions, old_a).last_attempt_at is None
    with sessions() as session:
        assert [d.id for d in old.dead_letters(session)] == [dead_before]
        old_counts = old.counts(session)
    assert old_counts == {DELIVERED: 2, DEAD: 1, PENDING: 1}

    # --- the new code on the same rows: claims the old release's pending row, records with the new column
    later = now + timedelta(seconds=5)
    with sessions() as session:
        claimed = new.claim(session, now=later, limit=10, lease_seconds=60)
    assert [c.id for c in claimed] == [old_b]
    with sessions() as session:
        new.record(session, [new.Outcome(old_b, claimed[0].lease_until, DEAD, "abandon")], later)
    assert _row(sessions, old_b).last_attempt_at == later
    with sessions() as session:
        letters = {d.id: d for d in new.dead_letters(session)}
        assert new.counts(session) == {DELIVERED: 2, DEAD: 2}
    assert letters[dead_before].last_attempt_at is None and _when(None) == "inconnu"  # the old release's row
    assert letters[old_b].last_attempt_at == later

    # --- and the old code reads and revives what the new code wrote
    with sessions() as session:
        assert sorted(d.id for d in old.dead_letters(session)) == [dead_before, old_b]
    with sessions() as session:
        assert old.retry_dead(session, [old_b]) == 1
    with sessions() as session:  # a row the new code inserts, delivered by an old worker
        session.add(OutboxItem(kind="score", registration_id=registration_id, payload=PAYLOAD, status=PENDING,
                               attempts=0, next_attempt_at=utcnow()))
        session.commit()
    assert len(_old_deliver(sessions, DELIVERED)) == 2  # old_b again and the new code's row
    with sessions() as session:
        assert old.counts(session) == new.counts(session) == {DELIVERED: 4, DEAD: 1}


def test_the_expand_migration_downgrades_cleanly(previous_release) -> None:  # type: ignore[no-untyped-def]
    engine, _sessions, _ = previous_release
    _alembic(engine, command.upgrade, "heads")
    _alembic(engine, command.downgrade, f"{EXPAND}-1")
    assert "last_attempt_at" not in {c["name"] for c in inspect(engine).get_columns("grades_outbox")}
    assert schema_state(engine) == "behind"
