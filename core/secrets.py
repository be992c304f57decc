"""Secrets encrypted at rest: the tool's private signing keys and the generated secrets (`lti_tool_keys`,
`lti_tool_secrets`) are stored as ``fernet:<token>``, encrypted with `cryptography`'s MultiFernet (authenticated
encryption, several keys for rotation: the first encrypts, every one decrypts).

Keys come from ``PIX_LTI_SECRET_KEYS`` (comma-separated) or ``PIX_LTI_SECRET_KEYS_FILE`` (one key a line, ``#``
comments). With neither, the embedded SQLite database gets a key file of its own next to it (mode 0600, said in
the log) so the one-command start keeps working; an in-memory SQLite database gets a key for the life of the
process; any other database (PostgreSQL) refuses to start (`SecretKeysMissing`).

Each engine made by `core.db.make_engine` carries its keys (`register_engine_keys`); the column type
`EncryptedText` finds them through the statement's dialect, so two engines in one process can use two key sets.
"""

from __future__ import annotations

import logging
import os
import weakref
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import MetaData, Text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.types import TypeDecorator

log = logging.getLogger("lti_tool")

PREFIX = "fernet:"
KEY_FILE_SUFFIX = ".secret-keys"


class SecretKeysError(Exception):
    """The secret keys are missing, malformed or wrong: the tool cannot start (exit status 2 in the CLI)."""


class SecretKeysMissing(SecretKeysError):
    pass


class SecretUndecryptable(SecretKeysError):
    pass


class SecretSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PIX_LTI_", extra="ignore")

    secret_keys: str | None = None
    secret_keys_file: str | None = None


@dataclass(frozen=True)
class SecretKeys:
    """The keys, first one encrypting, and where they came from (named in error messages, never the keys)."""

    keys: tuple[str, ...]
    source: str

    def __post_init__(self) -> None:
        if not self.keys:
            raise SecretKeysMissing(f"{self.source} : aucune clé (no key).")
        for number, key in enumerate(self.keys, start=1):
            try:
                Fernet(key)
            except (ValueError, TypeError):
                raise SecretKeysError(
                    f"{self.source} : la clé n° {number} n'est pas une clé Fernet (32 octets en base64 url-safe) ; "
                    f"créez-en une avec `pix-lti secrets new-key` (key {number} is not a Fernet key)."
                ) from None

    def cipher(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in self.keys])


def new_key() -> str:
    return Fernet.generate_key().decode()


def parse_keys(text: str, separator: str | None) -> tuple[str, ...]:
    """Keys from an environment value (comma-separated) or a file (one a line, `#` comments)."""
    if separator is None:
        lines = (line.split("#", 1)[0] for line in text.splitlines())
        return tuple(line.strip() for line in lines if line.strip())
    return tuple(part.strip() for part in text.split(separator) if part.strip())


def read_key_file(path: Path) -> SecretKeys:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretKeysError(f"PIX_LTI_SECRET_KEYS_FILE={path} : illisible (unreadable: {exc}).") from None
    return SecretKeys(parse_keys(text, None), f"le fichier de clés {path}")


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL, None for another database or an in-memory one."""
    if not database_url.startswith("sqlite"):
        return None
    path = database_url.split("///", 1)[-1] if "///" in database_url else ""
    path = path.split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file::memory:"):
        return None
    return Path(path)


def default_key_file(database_url: str) -> Path | None:
    """The key file kept next to an embedded SQLite database (None for any other database)."""
    path = sqlite_path(database_url)
    return None if path is None else path.with_name(path.name + KEY_FILE_SUFFIX)


def write_key_file(path: Path, keys: tuple[str, ...]) -> None:
    """Write the keys, first one first, readable by the owner only (mode 0600, also when the file existed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# pix-lti: clés de chiffrement des secrets (la première chiffre) — à sauvegarder à part\n")
        handle.write("".join(key + "\n" for key in keys))


def resolve_keys(database_url: str, settings: SecretSettings | None = None) -> SecretKeys:
    """PIX_LTI_SECRET_KEYS, else PIX_LTI_SECRET_KEYS_FILE, else the SQLite default (a key file created next to
    the database, or a key for the process's in-memory database); PostgreSQL without keys is refused."""
    settings = settings or SecretSettings()
    if settings.secret_keys and settings.secret_keys.strip():
        return SecretKeys(parse_keys(settings.secret_keys, ","), "PIX_LTI_SECRET_KEYS")
    if settings.secret_keys_file:
        return read_key_file(Path(settings.secret_keys_file))
    if not database_url.startswith("sqlite"):
        raise SecretKeysMissing(
            "PIX_LTI_SECRET_KEYS (ou PIX_LTI_SECRET_KEYS_FILE) est requis avec cette base de données : les clés "
            "privées et les secrets de l'outil y sont chiffrés. Créez une clé avec `pix-lti secrets new-key`, "
            "gardez-la hors de la base et de ses sauvegardes. "
            "(PIX_LTI_SECRET_KEYS or PIX_LTI_SECRET_KEYS_FILE is required with this database.)"
        )
    key_file = default_key_file(database_url)
    if key_file is None:
        return SecretKeys((new_key(),), "la clé de la base en mémoire")
    if not key_file.exists():
        write_key_file(key_file, (new_key(),))
        log.warning("secrets: clé de chiffrement créée dans %s (mode 0600) : sauvegardez-la à part ; en production, "
                    "définissez PIX_LTI_SECRET_KEYS (encryption key created next to the database)", key_file)
    return read_key_file(key_file)


_ENGINE_CIPHERS: weakref.WeakKeyDictionary[Dialect, MultiFernet] = weakref.WeakKeyDictionary()


def register_engine_keys(engine: Engine, keys: SecretKeys) -> None:
    _ENGINE_CIPHERS[engine.dialect] = keys.cipher()


def cipher_for(dialect: Dialect) -> MultiFernet:
    cipher = _ENGINE_CIPHERS.get(dialect)
    if cipher is None:
        raise SecretKeysMissing("aucune clé de chiffrement pour cette connexion : créez-la avec core.db.make_engine "
                                "(no secret keys registered for this engine).")
    return cipher


def cipher_of_connection(connection: Connection) -> MultiFernet:
    """The keys of the connection's engine; for an engine not made by `make_engine` (a migration run on a bare
    engine), the keys the environment gives for its database."""
    try:
        return cipher_for(connection.dialect)
    except SecretKeysMissing:
        return resolve_keys(connection.engine.url.render_as_string(hide_password=False)).cipher()


def encrypt(cipher: MultiFernet, value: str) -> str:
    return PREFIX + cipher.encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(cipher: MultiFernet, stored: str) -> str:
    """The clear value of a stored one. A value without the prefix (written before encryption) is returned as
    is; `pix-lti secrets rotate` and the migration encrypt such values."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return cipher.decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise SecretUndecryptable(
            "Un secret de la base ne se déchiffre avec aucune des clés configurées (PIX_LTI_SECRET_KEYS, "
            "PIX_LTI_SECRET_KEYS_FILE ou le fichier de clés à côté de la base SQLite) : mauvaise clé, ou clé "
            "retirée avant `pix-lti secrets rotate`. (A stored secret cannot be decrypted with the configured keys.)"
        ) from None


def reencrypt(cipher: MultiFernet, stored: str) -> str:
    """The value encrypted with the first key (rotation), from a clear or an encrypted one."""
    return encrypt(cipher, decrypt(cipher, stored))


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted (`fernet:` + token) with the keys of the engine it goes through."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(cipher_for(dialect), value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(cipher_for(dialect), value)


def encrypted_columns(metadata: MetaData) -> list[tuple[str, tuple[str, ...], str]]:
    """(table, primary key columns, column) of every `EncryptedText` column of the given tables."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                found.append((table.name, tuple(key.name for key in table.primary_key.columns), column.name))
    return found


def rotate_all(connection: Connection, metadata: MetaData) -> int:
    """Re-encrypt every stored secret with the first key (clear ones included); the number of values written.
    Run it in one transaction, after putting the new key first and before removing the old one."""
    cipher = cipher_for(connection.dialect)
    written = 0
    for table_name, key_names, column_name in encrypted_columns(metadata):
        table = sa.table(table_name, *(sa.column(name) for name in key_names), sa.column(column_name, Text))
        keys = [table.c[name] for name in key_names]
        for row in connection.execute(sa.select(*keys, table.c[column_name])).all():
            stored = row[-1]
            if stored is None:
                continue
            condition = sa.and_(*(key == value for key, value in zip(keys, row[:-1], strict=True)))
            connection.execute(sa.update(table).where(condition).values({column_name: reencrypt(cipher, stored)}))
            written += 1
    return written
