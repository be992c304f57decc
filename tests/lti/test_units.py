"""Role mapping, activity targets and the short-lived store semantics (in-process and Redis)."""

from __future__ import annotations

import asyncio
import os

import pytest

from core.store.memory import MemoryStore
from core.store.redis_store import RedisStore
from lti_tool.launch.roles import map_roles
from web.targets import describe_target

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.mark.parametrize(("roles", "expected"), [
    ([], "student"),
    ([M + "Learner"], "student"),
    (["Learner"], "student"),
    ([M + "Instructor"], "teacher"),
    (["Instructor"], "teacher"),
    (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], "teacher"),
    ([M + "ContentDeveloper"], "teacher"),
    ([M + "Learner", M + "Instructor"], "teacher"),
    (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"], "admin"),
    (["http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin", M + "Learner"], "admin"),
    (["urn:unknown", M + "Bogus", "http://example.com/Instructor"], "student"),
])
def test_role_mapping(roles: list[str], expected: str) -> None:
    assert map_roles(roles) == expected


def test_targets() -> None:
    assert "compétence 1.1" in describe_target({"competence": "1.1"})
    assert "non reconnue" in describe_target({"competence": "9.9"})
    assert "profil" in describe_target({"profile": "seconde"})
    assert "parcours « ABC123 »" in describe_target({"campaign": "ABC123"})
    assert describe_target({"campaign": "ABC123"}, "en") == "The campaign “ABC123”."
    assert "Competence 1.1" in describe_target({"competence": "1.1"}, "en")
    assert "Aucune cible" in describe_target({})


async def _exercise(store) -> None:  # type: ignore[no-untyped-def]
    await store.delete("k")
    assert await store.set_nx("k", "v", 1) is True
    assert await store.set_nx("k", "w", 1) is False
    assert await store.get("k") == "v"
    assert await store.pop("k") == "v"
    assert await store.pop("k") is None
    await store.set("t", "x", 1)
    await asyncio.sleep(1.2)
    assert await store.get("t") is None
    assert await store.set_nx("t", "y", 5) is True
    assert await store.ping() is True
    await store.close()


def test_memory_store_semantics() -> None:
    asyncio.run(_exercise(MemoryStore()))


def test_redis_store_semantics() -> None:
    url = os.environ.get("PIX_LTI_TEST_REDIS_URL")
    if not url:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail("PIX_LTI_TEST_REDIS_URL is required")
        pytest.skip("PIX_LTI_TEST_REDIS_URL not set")
    asyncio.run(_exercise(RedisStore(url, prefix="pix-lti-test:")))


def test_redis_store_reports_unreachable() -> None:
    async def check() -> bool:
        store = RedisStore("redis://127.0.0.1:1/0")
        try:
            return await store.ping()
        finally:
            await store.close()

    assert asyncio.run(check()) is False


def test_healthz_reports_unreachable_redis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from core.settings import Settings
    from pix_lti.app import create_app

    settings = Settings(database_url=f"sqlite:///{tmp_path}/h.sqlite3", redis_url="redis://127.0.0.1:1/0")
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert {k: body[k] for k in ("status", "database", "redis", "down")} == {
        "status": "degraded", "database": True, "redis": False, "down": ["redis"]}
    assert set(body) == {"status", "database", "redis", "down", "content_bank"}  # and which bank is served
