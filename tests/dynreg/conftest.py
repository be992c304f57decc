"""The tool on SQLite (in-process store) and on PostgreSQL + Redis, routed to test platforms (tests.lti.conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.lti.conftest import Tool, _tool, postgres_redis, settings_for, sqlite_settings  # noqa: F401  (postgres_redis: a fixture reused)
from tests.lti.platform import Platform


@pytest.fixture(autouse=True)
def test_platforms_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test platforms are on the allow-list (tests of the approval flow clear it)."""
    monkeypatch.setenv("PIX_LTI_DYNREG_ALLOWED_HOSTS", "*.platform.test *.loose.test")


@pytest.fixture(params=["sqlite", "postgres+redis"])
def dyn_tool(request, tmp_path) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    yield from _tool(settings_for(request, tmp_path), Platform())


@pytest.fixture
def sqlite_tool(tmp_path) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    yield from _tool(sqlite_settings(tmp_path), Platform())
