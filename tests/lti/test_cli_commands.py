"""`pix-lti registration` / `keys` / `serve` guards, through the real Typer app."""

from __future__ import annotations

from typer.testing import CliRunner

from pix_lti.cli import app

runner = CliRunner()


def test_registration_lifecycle_and_unknown_id(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    assert "Aucune plateforme" in runner.invoke(app, ["registration", "list"]).output
    added = runner.invoke(app, [
        "registration", "add", "--issuer", "https://moodle.lycee.test", "--client-id", "abc",
        "--auth-login-url", "https://moodle.lycee.test/mod/lti/auth.php",
        "--auth-token-url", "https://moodle.lycee.test/mod/lti/token.php",
        "--keyset-url", "https://moodle.lycee.test/mod/lti/certs.php", "--deployment-id", "1", "--deployment-id", "2",
    ])
    assert added.exit_code == 0 and "déploiements 1, 2" in added.output
    listing = runner.invoke(app, ["registration", "list"]).output
    assert "active" in listing and "https://moodle.lycee.test" in listing
    assert runner.invoke(app, ["registration", "disable", "1"]).exit_code == 0
    assert "désactivée" in runner.invoke(app, ["registration", "list"]).output
    missing = runner.invoke(app, ["registration", "disable", "42"])
    assert missing.exit_code == 1


def test_serve_refuses_several_workers_without_redis(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    monkeypatch.delenv("PIX_LTI_REDIS_URL", raising=False)
    result = runner.invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 2 and "PIX_LTI_REDIS_URL" in result.output
