"""The tool on SQLite (in-process store) and on PostgreSQL + Redis, routed to test platforms (tests.lti.conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lti_tool.settings import Settings
from tests.lti.conftest import BASE, Tool, _tool, postgres_redis  # noqa: F401  (module-scoped fixture reused)
from tests.lti.platform import Platform


@pytest.fixture(params=["sqlite", "postgres+redis"])
def dyn_tool(request, tmp_path) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        settings = Settings(database_url=f"sqlite:///{tmp_path}/tool.sqlite3", redis_url=None, base_url=BASE,
                            registration_cache_seconds=0)
    else:
        db_url, redis_url = request.getfixturevalue("postgres_redis")
        settings = Settings(database_url=db_url, redis_url=redis_url, base_url=BASE, registration_cache_seconds=0)
    yield from _tool(settings, Platform())


@pytest.fixture
def sqlite_tool(tmp_path) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=f"sqlite:///{tmp_path}/tool.sqlite3", redis_url=None, base_url=BASE,
                        registration_cache_seconds=0)
    yield from _tool(settings, Platform())
