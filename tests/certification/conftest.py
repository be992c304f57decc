"""A migrated database (SQLite, or PostgreSQL when asked) and a clock for the certification use cases."""

from __future__ import annotations

from tests.learning_use_cases.conftest import START, Clock, clock, sessions  # noqa: F401 (fixtures)

__all__ = ["START", "Clock"]
