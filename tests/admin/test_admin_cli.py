"""The admin operations from the CLI (for scripting), `pix-lti moodle-config`, and the Moodle PHP script's values."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from core.audit import AuditEntry
from core.db import make_engine, make_session_factory
from lti_tool.dynreg import tool_profile
from pix_lti.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", url)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, ok: bool = True):  # type: ignore[no-untyped-def]
        result = runner.invoke(app, list(args), input=input)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    run.url = url  # type: ignore[attr-defined]
    return run


def _audit(url: str) -> list[AuditEntry]:
    with make_session_factory(make_engine(url))() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_admin_accounts_from_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    assert "créé" in cli("admin", "create", "Root.Admin", "--password-stdin", input="a long enough password\n")
    cli("admin", "create", "root.admin", "--password-stdin", input="a long enough password\n", ok=False)
    cli("admin", "create", "bob", "--password-stdin", input="short\n", ok=False)
    assert "root.admin\tactif" in cli("admin", "list")
    cli("admin", "disable", "root.admin")
    assert "root.admin\tdésactivé" in cli("admin", "list")
    cli("admin", "disable", "nobody", ok=False)
    actions = [(e.action, e.target) for e in _audit(cli.url)]
    assert actions == [("admin.create", "admin:root.admin"), ("admin.disable", "admin:root.admin")]
    assert all(e.actor.startswith("cli") for e in _audit(cli.url))
    assert "admin.disable" in cli("admin", "audit")


def test_registration_operations_from_the_cli_are_audited(cli) -> None:  # type: ignore[no-untyped-def]
    issuer = "https://moodle.example.org"
    cli("registration", "add", "--issuer", issuer, "--client-id", "abc", "--auth-login-url",
        issuer + "/mod/lti/auth.php", "--auth-token-url", issuer + "/mod/lti/token.php", "--keyset-url",
        issuer + "/mod/lti/certs.php", "--deployment-id", "3")
    cli("registration", "edit", "1", "--client-id", "abd")
    cli("registration", "edit", "1", "--keyset-url", "ftp://nope", ok=False)
    cli("registration", "deployment-add", "1", "4")
    cli("registration", "deployment-add", "1", "4", ok=False)
    cli("registration", "deployment-remove", "1", "3")
    cli("registration", "disable", "1")
    cli("registration", "enable", "1")
    shown = cli("registration", "show", "1")
    assert "abd" in shown and "déploiements\t4" in shown and "utilisée\t0" in shown
    cli("registration", "delete", "1")
    cli("registration", "show", "1", ok=False)
    cli("keys", "rotate")
    assert [e.action for e in _audit(cli.url)] == [
        "registration.add", "registration.edit", "deployment.add", "deployment.remove", "registration.disable",
        "registration.enable", "registration.delete", "keys.rotate"]


def test_moodle_config_prints_the_manual_values_for_a_base_url(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("moodle-config", "--base-url", "https://pix.lycee.fr")
    for value in ("https://pix.lycee.fr/lti/register", "https://pix.lycee.fr/lti/launch",
                  "https://pix.lycee.fr/lti/jwks", "https://pix.lycee.fr/lti/login", "LTI 1.3",
                  "context_history=$Context.id.history", "Keyset URL", "Jamais"):
        assert value in out
    assert "Initiate login URL: https://pix.lycee.fr/lti/login" in cli("moodle-config", "--base-url",
                                                                       "https://pix.lycee.fr", "--lang", "en")
    cli("moodle-config", "--base-url", "http://pix.lycee.fr", ok=False)


def test_the_php_script_sends_what_dynamic_registration_sends() -> None:
    php = (ROOT / "moodle_config" / "register_tool.php").read_text()
    for scope in tool_profile.SCOPES:
        assert f"'{scope}'" in php
    claims = re.search(r"'claims' => \[(.*?)\]", php)
    assert claims and [c.strip(" '") for c in claims.group(1).split(",")] == list(tool_profile.CLAIMS)
    for path in ("/lti/login", "/lti/launch", "/lti/jwks"):
        assert f"'{path}'" in php
    for key, value in tool_profile.CUSTOM_PARAMETERS.items():
        assert f"'{key}' => '{value}'" in php
    assert "define('CLI_SCRIPT', true);" in php and "lti_add_type(" in php
    assert "4.1 to 4.5" in php and "Run against a real Moodle 4.3.0" in php


@pytest.mark.skipif(shutil.which("php") is None, reason="php not installed")
def test_the_php_script_is_valid_php() -> None:
    result = subprocess.run(["php", "-l", str(ROOT / "moodle_config" / "register_tool.php")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


def test_recent_launches_from_the_cli_read_redis(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    import os
    from datetime import UTC, datetime

    from core.store.redis_store import RedisStore
    from lti_tool.launch.launch_log import record_launch_event

    url = os.environ.get("PIX_LTI_TEST_REDIS_URL")
    if not url:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail("PIX_LTI_TEST_REDIS_URL is required")
        pytest.skip("PIX_LTI_TEST_REDIS_URL not set")
    monkeypatch.delenv("PIX_LTI_REDIS_URL", raising=False)
    cli("admin", "launches", ok=False)

    async def write() -> None:
        store = RedisStore(url)
        await store.delete("admin:launch-events")
        await record_launch_event(store, outcome="refused", code="bad_nonce", issuer="https://m.example.org",
                                  client_id="c", deployment_id="1", reason="Ce lancement a déjà servi.",
                                  at=datetime.now(UTC))
        await store.close()

    asyncio.run(write())
    monkeypatch.setenv("PIX_LTI_REDIS_URL", url)
    out = cli("admin", "launches")
    assert "refused\tbad_nonce\thttps://m.example.org" in out and "déjà servi" in out


def test_platform_hosts_for_dynamic_registration_are_approved_or_refused_from_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    assert "Aucune demande." in cli("registration", "hosts")
    assert "approuvée" in cli("registration", "host-approve", "Moodle.Lycee.fr")
    assert "refusée" in cli("registration", "host-refuse", "ent.example.org")
    listed = cli("registration", "hosts")
    assert "moodle.lycee.fr\tapproved" in listed and "ent.example.org\trefused" in listed
    assert "Hôte refusé" in cli("registration", "host-approve", "https://evil/x", ok=False)
    actions = [e.action for e in _audit(cli.url)]
    assert actions[-2:] == ["registration.host.approve", "registration.host.refuse"]


def test_registration_add_refuses_addresses_that_are_not_urls_and_writes_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    issuer = "https://moodle.example.org"
    good = ["--client-id", "abc", "--auth-login-url", issuer + "/auth", "--auth-token-url", issuer + "/token",
            "--keyset-url", issuer + "/certs", "--deployment-id", "3"]
    for bad in ("moodle", "ftp://moodle.example.org", "http://moodle.example.org", "https://"):
        output = cli("registration", "add", "--issuer", bad, *good, ok=False)
        assert "Valeur invalide pour '--issuer'" in output, output
    output = cli("registration", "add", "--issuer", issuer, *good[:-4], "--keyset-url", "pas une adresse",
                 "--deployment-id", "3", ok=False)
    assert "--keyset-url" in output and "adresse absolue" in output
    assert "Aucune plateforme enregistrée." in cli("registration", "list")
    assert _audit(cli.url) == []


def test_the_command_line_speaks_french_and_shows_words_not_python_types(cli) -> None:  # type: ignore[no-untyped-def]
    shown = cli("registration", "add", "--help")
    assert "Utilisation : pix-lti registration add" in shown and "Affiche cette aide" in shown
    assert "[obligatoire]" in shown and "URL" in shown and "Adresse des clés publiques (JWKS)" in shown
    assert not re.search(r"<(str|bool|int|list\[str\])>|Show this message|\[required\]|Usage:", shown), shown
    demo = cli("demo", "--help")
    assert "[par défaut : 8000]" in demo and "<bool>" not in demo
    missing = cli("registration", "add", "--issuer", "https://moodle.example.org", ok=False)
    assert "Option obligatoire manquante : '--client-id'." in missing and "Erreur" in missing
    assert "Option inconnue : --nope" in cli("registration", "list", "--nope", ok=False)
