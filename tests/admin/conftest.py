"""The tool (SQLite or PostgreSQL + Redis) with one admin account, and a logged-in admin browser helper."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from lti_tool.admin import accounts
from lti_tool.settings import Settings
from tests.lti.conftest import BASE, Tool, _tool, postgres_redis  # noqa: F401  (module-scoped fixture reused)
from tests.lti.platform import Platform

ADMIN, PASSWORD = "alice", "correct horse battery staple"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def login(tool: Tool, username: str = ADMIN, password: str = PASSWORD) -> httpx.Response:
    form = tool.client.get("/admin/login")
    return tool.client.post("/admin/login", data={"csrf": csrf_of(form.text), "username": username,
                                                  "password": password}, follow_redirects=False)


def _with_admin(settings: Settings) -> Iterator[Tool]:
    for tool in _tool(settings, Platform()):
        with tool.sessions()() as session:  # the PostgreSQL schema is shared by the tests of a module
            if not any(a.username == ADMIN for a in accounts.list_accounts(session)):
                accounts.create_account(session, ADMIN, PASSWORD, "test")
        yield tool


@pytest.fixture(params=["sqlite", "postgres+redis"])
def admin_tool(request, tmp_path) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        settings = Settings(database_url=f"sqlite:///{tmp_path}/tool.sqlite3", redis_url=None, base_url=BASE,
                            registration_cache_seconds=0)
    else:
        db_url, redis_url = request.getfixturevalue("postgres_redis")
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # throttling counters of the previous test
        settings = Settings(database_url=db_url, redis_url=redis_url, base_url=BASE, registration_cache_seconds=0)
    yield from _with_admin(settings)


@pytest.fixture
def sqlite_admin_tool(tmp_path) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=f"sqlite:///{tmp_path}/tool.sqlite3", redis_url=None, base_url=BASE,
                        registration_cache_seconds=0)
    yield from _with_admin(settings)


@pytest.fixture
def logged_in(sqlite_admin_tool: Tool) -> Tool:
    response = login(sqlite_admin_tool)
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    return sqlite_admin_tool
