"""`pix-lti worker --once` and `pix-lti grades status|dead|retry` on the embedded default (SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from core.db import make_engine, make_session_factory
from core.settings import Settings
from lti_tool.grades.models import DEAD, KIND_SCORE, OutboxItem
from lti_tool.registrations import add_registration
from pix_lti.app import bootstrap
from pix_lti.cli import app


def test_dead_letters_are_listed_and_retried_from_the_command_line(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", db)
    monkeypatch.delenv("PIX_LTI_REDIS_URL", raising=False)
    bootstrap(Settings(database_url=db))
    engine = make_engine(db)
    with make_session_factory(engine)() as session:
        reg = add_registration(session, issuer="https://lms.invalid", client_id="c", auth_login_url="https://lms.invalid/a",
                               auth_token_url="https://lms.invalid/t", keyset_url="https://lms.invalid/k",
                               deployment_ids=["d"])
        session.add(OutboxItem(kind=KIND_SCORE, registration_id=reg.id, payload={}, status=DEAD, attempts=10,
                               next_attempt_at=datetime.now(UTC), last_error="HTTP 400 — User not enrolled"))
        session.commit()
    engine.dispose()
    runner = CliRunner()
    dead = runner.invoke(app, ["grades", "dead"])
    assert dead.exit_code == 0 and "User not enrolled" in dead.output and "essais=10" in dead.output
    retried = runner.invoke(app, ["grades", "retry", "--id", "1"])
    assert retried.exit_code == 0 and "1 envoi remis en file" in retried.output
    status = runner.invoke(app, ["grades", "status"])
    assert "pending\t1" in status.output and "dead\t0" in status.output
