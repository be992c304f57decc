"""The tool's private signing keys and its generated secrets are stored encrypted (`fernet:`), on SQLite and
PostgreSQL: the raw column never holds the PEM; a wrong key is a clear refusal; rotation re-encrypts with the
first key; PostgreSQL without a key refuses to start (status 2); the embedded SQLite default makes its own key
file (mode 0600)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from core.db import Base, make_engine, make_session_factory, run_migrations
from core.secrets import (
    SecretKeys,
    SecretKeysError,
    SecretKeysMissing,
    SecretSettings,
    SecretUndecryptable,
    new_key,
    resolve_keys,
    rotate_all,
)
from lti_tool import keys
from lti_tool.models import ToolKey
from tests.lti.conftest import _reset_postgres, _service_url

ROOT = Path(__file__).resolve().parents[2]
KEY_A, KEY_B = new_key(), new_key()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/tool.sqlite3"
    url = _service_url("PIX_LTI_TEST_DATABASE_URL")
    _reset_postgres(url)
    return url


def _write_secrets(url: str, *key_list: str) -> tuple[str, str]:
    """Migrate, create the signing key and the session secret with these keys; (PEM, secret) as the tool reads
    them."""
    engine = make_engine(url, SecretKeys(key_list, "test"))
    try:
        run_migrations(engine)
        with make_session_factory(engine)() as session:
            return keys.ensure_key(session).private_pem, keys.session_secret(session, None)
    finally:
        engine.dispose()


def _raw(url: str) -> tuple[str, str]:
    engine = make_engine(url, SecretKeys((KEY_A,), "test"))
    try:
        with engine.connect() as connection:
            pem = connection.execute(text("SELECT private_pem FROM lti_tool_keys")).scalar_one()
            secret = connection.execute(
                text("SELECT value FROM lti_tool_secrets WHERE name = 'session_secret'")).scalar_one()
        return pem, secret
    finally:
        engine.dispose()


def _read(url: str, *key_list: str) -> tuple[str, str]:
    engine = make_engine(url, SecretKeys(key_list, "test"))
    try:
        with make_session_factory(engine)() as session:
            pem = keys.current_key(session).private_pem  # type: ignore[union-attr]
            return pem, keys.session_secret(session, None)
    finally:
        engine.dispose()


def test_the_raw_columns_hold_neither_the_private_key_nor_the_session_secret(database_url: str) -> None:
    pem, secret = _write_secrets(database_url, KEY_A)
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    raw_pem, raw_secret = _raw(database_url)
    assert raw_pem.startswith("fernet:") and "PRIVATE KEY" not in raw_pem and pem[40:80] not in raw_pem
    assert raw_secret.startswith("fernet:") and secret not in raw_secret
    assert _read(database_url, KEY_A) == (pem, secret)


def test_a_wrong_key_is_a_clear_refusal_not_a_garbled_secret(database_url: str) -> None:
    _write_secrets(database_url, KEY_A)
    with pytest.raises(SecretUndecryptable, match="PIX_LTI_SECRET_KEYS"):
        _read(database_url, KEY_B)


def test_rotation_reencrypts_every_secret_with_the_first_key(database_url: str) -> None:
    pem, secret = _write_secrets(database_url, KEY_A)
    engine = make_engine(database_url, SecretKeys((KEY_B, KEY_A), "test"))
    try:
        with engine.begin() as connection:
            assert rotate_all(connection, Base.metadata) >= 2
    finally:
        engine.dispose()
    assert _read(database_url, KEY_B) == (pem, secret)  # the old key is no longer needed
    with pytest.raises(SecretUndecryptable):
        _read(database_url, KEY_A)


def test_clear_values_written_before_encryption_are_read_then_encrypted_by_rotation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/tool.sqlite3"
    pem, _ = _write_secrets(url, KEY_A)
    engine = make_engine(url, SecretKeys((KEY_A,), "test"))
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE lti_tool_keys SET private_pem = :pem"), {"pem": pem})
        with make_session_factory(engine)() as session:
            assert session.query(ToolKey).one().private_pem == pem
        with engine.begin() as connection:
            rotate_all(connection, Base.metadata)
    finally:
        engine.dispose()
    assert _raw(url)[0].startswith("fernet:")


def test_postgresql_without_a_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIX_LTI_SECRET_KEYS", raising=False)
    monkeypatch.delenv("PIX_LTI_SECRET_KEYS_FILE", raising=False)
    with pytest.raises(SecretKeysMissing, match="PIX_LTI_SECRET_KEYS"):
        make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/nothing")


def test_a_malformed_key_is_named_without_being_shown() -> None:
    with pytest.raises(SecretKeysError, match="n° 2.*key 2 is not") as refused:
        resolve_keys("sqlite://", SecretSettings(secret_keys=f"{KEY_A},not-a-key"))
    assert "not-a-key" not in str(refused.value) and KEY_A not in str(refused.value)


def test_the_embedded_sqlite_default_makes_its_own_key_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/var/tool.sqlite3"
    first = resolve_keys(url, SecretSettings(secret_keys=None, secret_keys_file=None))
    key_file = tmp_path / "var" / "tool.sqlite3.secret-keys"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert resolve_keys(url, SecretSettings(secret_keys=None, secret_keys_file=None)) == first  # the next start
    assert first.keys[0] in key_file.read_text()


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_")}
    return subprocess.run([sys.executable, "-m", "pix_lti.cli", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_serve_on_postgresql_without_a_key_exits_with_status_2_and_says_why() -> None:
    done = _cli("serve", env={"PIX_LTI_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/nothing"})
    assert done.returncode == 2
    assert "PIX_LTI_SECRET_KEYS" in done.stderr and "pix-lti secrets new-key" in done.stderr
    assert "Traceback" not in done.stderr


def test_new_key_and_rotate_commands_move_the_secrets_to_a_new_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/tool.sqlite3"
    key_file = tmp_path / "keys"
    assert _cli("secrets", "new-key", "--file", str(key_file), env={}).returncode == 0
    old_key = key_file.read_text().split()[-1]
    pem, secret = _write_secrets(url, old_key)
    env = {"PIX_LTI_DATABASE_URL": url, "PIX_LTI_SECRET_KEYS_FILE": str(key_file)}
    assert _cli("secrets", "new-key", "--file", str(key_file), env={}).returncode == 0
    new = [line for line in key_file.read_text().splitlines() if line and not line.startswith("#")]
    assert len(new) == 2 and new[1] == old_key and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    rotated = _cli("secrets", "rotate", env=env)
    assert rotated.returncode == 0, rotated.stderr
    assert _read(url, new[0]) == (pem, secret)
    wrong = _cli("secrets", "rotate", env={"PIX_LTI_DATABASE_URL": url, "PIX_LTI_SECRET_KEYS": new_key()})
    assert wrong.returncode == 2 and "ne se déchiffre" in wrong.stderr and "Traceback" not in wrong.stderr
    refused = _cli("serve", env={"PIX_LTI_DATABASE_URL": url, "PIX_LTI_SECRET_KEYS": old_key})  # rotated away
    assert refused.returncode == 2 and "ne se déchiffre" in refused.stderr and "Traceback" not in refused.stderr
    printed = _cli("secrets", "new-key", env={})
    assert printed.returncode == 0 and SecretKeys((printed.stdout.strip(),), "printed")
