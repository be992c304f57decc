"""A migrated database (SQLite, or PostgreSQL when asked) with one account, and the learning service."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from content_bank.loader import default_referential
from core.accounts import Account
from core.db import make_engine, make_session_factory, run_migrations
from learning.use_cases import LearningService
from tests.lti.conftest import _reset_postgres

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(params=["sqlite", "postgres"])
def sessions(request, tmp_path) -> Iterator[sessionmaker[Session]]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/learning.sqlite3"
    else:
        url = os.environ.get("PIX_LTI_TEST_DATABASE_URL", "")
        if not url:
            if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
                pytest.fail("PIX_LTI_TEST_DATABASE_URL is required")
            pytest.skip("PIX_LTI_TEST_DATABASE_URL not set")
        _reset_postgres(url)
    engine = make_engine(url)
    run_migrations(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def account_id(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        account = Account(issuer="https://lms.example", sub="eleve-1")
        session.add(account)
        session.flush()
        return account.id


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(sessions: sessionmaker[Session], clock: Clock) -> LearningService:
    counter = iter(range(1, 10_000))
    return LearningService(sessions, default_referential(), clock=clock, new_seed=lambda: f"seed-{next(counter)}")
