"""Fixtures: the tool app on SQLite (in-process store) or PostgreSQL + Redis, an independent platform,
and the OIDC round trip driven through the app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from core.accounts import Account
from core.courses import Activity, Course
from core.db import make_engine
from core.settings import Settings
from lti_tool.outbound import system_resolver
from lti_tool.registrations import add_registration
from pix_lti.app import create_app
from tests.lti.platform import Platform

BASE = "http://localhost"
LAUNCH_URL = BASE + "/lti/launch"


def _service_url(name: str) -> str:
    url = os.environ.get(name)
    if not url:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{name} is required (PIX_LTI_REQUIRE_SERVICES=1)")
        pytest.skip(f"{name} not set")
    return url


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:  # every table of every feature area, whatever models are imported
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except Exception as exc:  # unreachable service
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail(f"PostgreSQL unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    finally:
        engine.dispose()


def _flush_redis(url: str) -> None:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
        client.close()
    except redis.RedisError as exc:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis unreachable: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")


@pytest.fixture(scope="module")
def postgres_redis() -> tuple[str, str]:
    """Fresh schema (dropped, then re-created by the app's migrations) and an empty Redis db per module."""
    db_url = _service_url("PIX_LTI_TEST_DATABASE_URL")
    redis_url = _service_url("PIX_LTI_TEST_REDIS_URL")
    _reset_postgres(db_url)
    _flush_redis(redis_url)
    return db_url, redis_url


@dataclass
class Tool:
    client: TestClient
    settings: Settings
    platform: Platform
    platforms: list[Platform]

    def sessions(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.tool.sessions

    def register(self, platform: Platform, deployments: list[str] | None = None) -> None:
        if platform not in self.platforms:
            self.platforms.append(platform)
        with self.sessions()() as session:
            add_registration(session, issuer=platform.issuer, client_id=platform.client_id,
                             auth_login_url=platform.auth_login_url, auth_token_url=platform.auth_token_url,
                             keyset_url=platform.keyset_url,
                             deployment_ids=deployments or [platform.deployment_id])

    def count(self, issuer: str) -> dict[str, int]:
        with self.sessions()() as session:
            return {
                model.__tablename__: session.scalar(
                    select(func.count()).select_from(model).where(model.issuer == issuer)
                )
                for model in (Account, Course, Activity)
            }

    def login(self, platform: Platform | None = None, method: str = "POST", **extra: str) -> dict[str, str]:
        platform = platform or self.platform
        params = {"iss": platform.issuer, "login_hint": "hint-1", "target_link_uri": LAUNCH_URL,
                  "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id,
                  "lti_message_hint": '{"cmid":1}', **extra}
        if method == "GET":
            response = self.client.get("/lti/login", params=params, follow_redirects=False)
        else:
            response = self.client.post("/lti/login", data=params, follow_redirects=False)
        assert response.status_code == 302, response.text
        return platform.authorize(response.headers["location"], LAUNCH_URL)

    def post_launch(self, id_token: str | None, state: str | None) -> httpx.Response:
        data = {k: v for k, v in (("id_token", id_token), ("state", state)) if v is not None}
        return self.client.post("/lti/launch", data=data, follow_redirects=False)

    def launch(self, mutate: Any = None, platform: Platform | None = None, sign: dict[str, Any] | None = None,
               **claim_args: Any) -> httpx.Response:
        """A full round trip: login → authorize → signed id_token (optionally mutated) → launch."""
        platform = platform or self.platform
        query = self.login(platform)
        claims = platform.claims(query["nonce"], **claim_args)
        if mutate is not None:
            mutate(claims)
        return self.post_launch(platform.sign(claims, **(sign or {})), query["state"])


PUBLIC_TEST_ADDRESS = "93.184.215.14"  # what the test platforms' names resolve to (served in process)


async def test_resolver(host: str, port: int) -> list[str]:
    """DNS for the test platforms (`*.test`): a public address; any other name resolves for real."""
    if host.endswith(".test"):
        return [PUBLIC_TEST_ADDRESS]
    return await system_resolver(host, port)


def _tool(settings: Settings, platform: Platform) -> Iterator[Tool]:
    platforms: list[Platform] = []

    def route(request: httpx.Request) -> httpx.Response:
        for candidate in platforms:
            if str(request.url).startswith(candidate.issuer + "/"):
                return candidate.handle(request)
        return httpx.Response(404)

    app = create_app(settings, http_transport=httpx.MockTransport(route), resolver=test_resolver)
    with TestClient(app, base_url=BASE) as client:
        tool = Tool(client, settings, platform, platforms)
        tool.register(platform)
        yield tool


@pytest.fixture
def platform() -> Platform:
    return Platform()


def sqlite_settings(tmp_path: Path) -> Settings:
    """The embedded default: a SQLite file and the in-process store; registrations are never cached."""
    return Settings(database_url=f"sqlite:///{tmp_path}/tool.sqlite3", redis_url=None, base_url=BASE,
                    registration_cache_seconds=0)


def settings_for(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The settings of a fixture parametrised over ["sqlite", "postgres+redis"]."""
    if request.param == "sqlite":
        return sqlite_settings(tmp_path)
    db_url, redis_url = request.getfixturevalue("postgres_redis")
    return Settings(database_url=db_url, redis_url=redis_url, base_url=BASE, registration_cache_seconds=0)


@pytest.fixture
def tool(tmp_path, platform: Platform) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    """The tool on the embedded default: SQLite file + in-process store."""
    settings = sqlite_settings(tmp_path)
    yield from _tool(settings, platform)


@pytest.fixture(params=["sqlite", "postgres+redis"])
def any_tool(request, tmp_path, platform: Platform) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    yield from _tool(settings_for(request, tmp_path), platform)
