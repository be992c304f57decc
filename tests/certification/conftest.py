"""A migrated database (SQLite, or PostgreSQL when asked) and a clock for the certification use cases."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.learning_use_cases.conftest import START, Clock, clock, sessions  # noqa: F401 (fixtures)

__all__ = ["START", "Clock"]


@pytest.fixture
def sessions_(sessions: sessionmaker[Session]) -> sessionmaker[Session]:  # noqa: F811
    """The database's session factory, under a name that does not hide the `certification.sessions` module."""
    return sessions
