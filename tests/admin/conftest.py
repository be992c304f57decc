"""The tool (SQLite or PostgreSQL + Redis) with one admin account, and a logged-in admin browser helper."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from admin import accounts
from core.settings import Settings
from tests.lti.conftest import Tool, _tool, postgres_redis, settings_for, sqlite_settings  # noqa: F401  (postgres_redis: a fixture reused)
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
    settings = settings_for(request, tmp_path)
    if settings.redis_url:
        import redis

        redis.Redis.from_url(settings.redis_url).flushdb()  # throttling counters of the previous test
    yield from _with_admin(settings)


@pytest.fixture
def sqlite_admin_tool(tmp_path) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    yield from _with_admin(sqlite_settings(tmp_path))


@pytest.fixture
def logged_in(sqlite_admin_tool: Tool) -> Tool:
    response = login(sqlite_admin_tool)
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    return sqlite_admin_tool
