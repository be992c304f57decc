"""Liveness and readiness (issue 23): /livez answers without I/O; /readyz checks PostgreSQL (or SQLite), Redis,
the schema's migrations and the content bank, and says why it is not ready. Services stopped for real: the fault
test in tests/security/test_outages.py."""

from __future__ import annotations

from sqlalchemy import text

from core.db import applied_heads, migration_heads
from tests.lti.conftest import Tool


def test_livez_and_readyz_when_everything_answers(any_tool: Tool) -> None:
    live = any_tool.client.get("/livez")
    assert live.status_code == 200 and live.json()["status"] == "ok" and live.headers["cache-control"] == "no-store"
    ready = any_tool.client.get("/readyz")
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["status"] == "ready" and body["reasons"] == [] and body["schema"] == "at_head"
    assert body["database"] is True and body["content_bank"]
    assert any_tool.client.get("/healthz").status_code == 200  # kept as it was


def test_readyz_refuses_a_schema_behind_the_code_and_accepts_one_ahead(tool: Tool) -> None:
    engine = tool.client.app.state.tool.engine
    head = sorted(applied_heads(engine) & migration_heads())[-1]  # a leaf revision, stored in alembic_version
    with engine.begin() as connection:  # as if this head's migration had not run
        connection.execute(text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": head})
    behind = tool.client.get("/readyz")
    assert behind.status_code == 503 and behind.json()["reasons"] == ["schema_behind"]
    assert "retry-after" in behind.headers
    with engine.begin() as connection:  # a newer release's expand migration on top of it: still ready
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_a_newer_release')"))
    ahead = tool.client.get("/readyz")
    assert ahead.status_code == 200 and ahead.json()["schema"] == "ahead"
    assert tool.client.get("/livez").status_code == 200
