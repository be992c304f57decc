"""RGPD: export and erase everything stored about one person (any account: GAR or LTI).

The tables are discovered from the live schema (SQLAlchemy reflection), so the data of feature areas added
later (assessments, answers, knowledge elements, grade outbox...) is included without changes here: every
table with a foreign key to `accounts`, then every table with a foreign key to one of those rows, and so on."""

from __future__ import annotations

import base64
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Table, and_, delete, inspect, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

ACCOUNTS = "accounts"


@dataclass(frozen=True)
class Link:
    """`table.columns` reference `parent.parent_columns`."""

    table: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]


def person_links(connection: Connection) -> list[Link]:
    """Foreign-key links reachable from `accounts`, breadth first (parents before children)."""
    inspector = inspect(connection)
    referencing: dict[str, list[Link]] = {}
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            if fk.get("referred_table") and fk.get("constrained_columns"):
                link = Link(table, tuple(fk["constrained_columns"]), fk["referred_table"],
                            tuple(fk["referred_columns"]))
                referencing.setdefault(link.parent, []).append(link)
    ordered: list[Link] = []
    seen_tables = {ACCOUNTS}
    queue = deque([ACCOUNTS])
    while queue:
        parent = queue.popleft()
        for link in referencing.get(parent, []):
            if link.table == parent:
                continue
            ordered.append(link)
            if link.table not in seen_tables:
                seen_tables.add(link.table)
                queue.append(link.table)
    return ordered


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _collect(connection: Connection, account_id: int) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Table]]:
    """Rows per table that belong to the person (the account row included), keyed by table name."""
    metadata = MetaData()
    tables: dict[str, Table] = {}

    def table(name: str) -> Table:
        if name not in tables:
            tables[name] = Table(name, metadata, autoload_with=connection)
        return tables[name]

    rows: dict[str, list[dict[str, Any]]] = {}
    accounts = table(ACCOUNTS)
    rows[ACCOUNTS] = [dict(r._mapping) for r in connection.execute(select(accounts).where(accounts.c.id == account_id))]
    if not rows[ACCOUNTS]:
        return {}, tables
    for link in person_links(connection):
        parents = rows.get(link.parent) or []
        if not parents:
            continue
        child = table(link.table)
        keys = {tuple(p[c] for c in link.parent_columns) for p in parents}
        condition = or_(*(and_(*(child.c[col] == val for col, val in zip(link.columns, key, strict=True)))
                          for key in keys))
        known = rows.setdefault(link.table, [])
        pk = [c.name for c in child.primary_key.columns] or list(child.c.keys())
        present = {tuple(r[c] for c in pk) for r in known}
        for r in connection.execute(select(child).where(condition)):
            record = dict(r._mapping)
            ident = tuple(record[c] for c in pk)
            if ident not in present:
                present.add(ident)
                known.append(record)
    return {name: found for name, found in rows.items() if found}, tables


def _children_first(links: list[Link], names: set[str]) -> list[str]:
    """Tables ordered so that a table comes before every table it references (cycles broken arbitrarily)."""
    parents = {name: {ln.parent for ln in links if ln.table == name and ln.parent in names and ln.parent != name}
               for name in names}
    ordered: list[str] = []
    remaining = set(names)
    while remaining:
        leaves = sorted(n for n in remaining if not any(n in parents[o] for o in remaining if o != n))
        batch = leaves or [sorted(remaining)[0]]
        ordered.extend(batch)
        remaining -= set(batch)
    return ordered


def export_person(session: Session, account_id: int) -> dict[str, Any] | None:
    """Everything stored about the person, as JSON-ready data; None when the account does not exist."""
    rows, _ = _collect(session.connection(), account_id)
    if not rows:
        return None
    return {
        "account_id": account_id,
        "exported_at": datetime.now().astimezone().isoformat(),
        "tables": {name: [{k: _jsonable(v) for k, v in r.items()} for r in found]
                   for name, found in sorted(rows.items())},
    }


def delete_person(session: Session, account_id: int) -> dict[str, int] | None:
    """Delete the person's rows in every table (children first), then the account; the caller commits.
    Returns the number of rows deleted per table, or None when the account does not exist."""
    connection = session.connection()
    rows, tables = _collect(connection, account_id)
    if not rows:
        return None
    deleted: dict[str, int] = {}
    for name in _children_first(person_links(connection), set(rows)):
        found = rows.get(name)
        if not found:
            continue
        table = tables[name]
        pk = [c.name for c in table.primary_key.columns] or list(table.c.keys())
        count = 0
        for record in found:
            result = connection.execute(delete(table).where(and_(*(table.c[c] == record[c] for c in pk))))
            count += result.rowcount or 0
        deleted[name] = count
    session.expire_all()
    return deleted
