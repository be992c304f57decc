"""A dump of the whole database (every table, every column as text, JSON included) and of the whole Redis db,
to search for a person's identifiers and names after their erasure."""

from __future__ import annotations

from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session, sessionmaker

from core.store.base import ShortLivedStore


def database_dump(sessions: sessionmaker[Session]) -> dict[str, list[str]]:
    metadata = MetaData()
    with sessions() as session:
        connection = session.connection()
        metadata.reflect(connection)
        return {name: [repr(tuple(row)) for row in connection.execute(select(table))]
                for name, table in metadata.tables.items()}


def redis_dump(store: ShortLivedStore | None, redis_url: str | None) -> list[str]:
    """Every key and value of the Redis db (strings, lists...) when Redis is used, else the in-process store's."""
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url, decode_responses=True)
        try:
            out = []
            for key in client.scan_iter(count=1000):
                kind = client.type(key)
                value = client.get(key) if kind == "string" else client.lrange(key, 0, -1) if kind == "list" \
                    else client.hgetall(key) if kind == "hash" else client.smembers(key) if kind == "set" else kind
                out.append(f"{key} = {value!r}")
            return out
        finally:
            client.close()
    assert store is not None
    return [f"{k} = {v}" for k, v in store.scan_sync("")]


def occurrences(needles: list[str], database: dict[str, list[str]], redis_lines: list[str]) -> list[str]:
    found = []
    for needle in needles:
        for table, rows in database.items():
            found += [f"{table}: {row}" for row in rows if needle in row]
        found += [f"redis: {line}" for line in redis_lines if needle in line]
    return found
