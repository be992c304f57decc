"""The persistence base: the declarative `Base` every table derives from, `utcnow`, the engine and session
factory, `ping`, and `run_migrations` (Alembic, programmatic; versions in core/migrations)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from core.secrets import SecretKeys, register_engine_keys, resolve_keys

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK = 7_461_001


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


def make_engine(url: str, secret_keys: SecretKeys | None = None) -> Engine:
    """`hide_parameters`: a failed statement's error (and so its traceback in the logs) never carries the values
    it was given — names of minors, claim values. The engine carries the keys of the secrets stored encrypted
    (`core.secrets`): given, or from the environment (`SecretKeysMissing` for PostgreSQL without any)."""
    keys = secret_keys or resolve_keys(url)
    engine = _create(url)
    register_engine_keys(engine, keys)
    return engine


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # connect_timeout: an unreachable server fails a request (503) in seconds instead of hanging it;
    # hide_parameters: a failed statement's error and traceback carry no values (claims, names)
    return create_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800, hide_parameters=True,
                         connect_args={"connect_timeout": 5})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def run_migrations(engine: Engine) -> None:
    """Upgrade the schema to head. On PostgreSQL an advisory lock serialises concurrent workers."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        is_pg = connection.dialect.name == "postgresql"
        if is_pg:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")  # feature areas are independent branches off 0001
            connection.commit()
        finally:
            if is_pg:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                connection.commit()


@lru_cache(maxsize=1)
def _scripts() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """(heads, each revision's parents — its down revisions and `depends_on`) of core/migrations, read once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    parents: dict[str, tuple[str, ...]] = {}
    for revision in script.walk_revisions():
        linked: list[str] = []
        for value in (revision.down_revision, revision.dependencies):
            if isinstance(value, str):
                linked.append(value)
            elif value:
                linked.extend(value)
        parents[revision.revision] = tuple(linked)
    return frozenset(script.get_heads()), parents


def migration_heads() -> frozenset[str]:
    """The revisions this code expects the schema at."""
    return _scripts()[0]


@lru_cache(maxsize=16)
def _covered(applied: frozenset[str]) -> frozenset[str]:
    """The applied revisions and all their ancestors (what `alembic_version`'s few rows stand for)."""
    parents = _scripts()[1]
    seen: set[str] = set()
    todo = list(applied)
    while todo:
        revision = todo.pop()
        if revision not in seen:
            seen.add(revision)
            todo.extend(parents.get(revision, ()))
    return frozenset(seen)


def schema_state(engine: Engine) -> str:
    """"at_head"; "ahead" (a newer release migrated the schema — expand/contract keeps this code working on it,
    docs/operations.md); or "behind" (a migration of this code has not run: not ready)."""
    heads, parents = _scripts()
    applied = applied_heads(engine)
    if applied - parents.keys():
        return "ahead"
    return "at_head" if heads <= _covered(applied) else "behind"


def applied_heads(engine: Engine) -> frozenset[str]:
    """The revisions the database is at (one cheap read of `alembic_version`)."""
    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
