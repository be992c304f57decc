"""What is stored about a person (one or several accounts), to export it or erase it.

Ownership is read from the live schema (so that tables added later by other feature areas are included) with
two rules that keep other people's data out of reach:

- from `accounts`, follow only the foreign keys that make a row *belong* to its parent (ON DELETE CASCADE,
  RESTRICT or none): a person owns their assessments, answers, participations, memberships...;
- never enter a shared table (courses, activities, campaigns, schools...), whatever the link: a teacher's
  campaigns and their pupils' participations are not the teacher's. Links declared ON DELETE SET NULL
  (`campaigns.created_by`) are *references*: listed in the export, set to NULL on erasure.

Data tied to a person without a foreign key is added explicitly: the LMS roster copy (`grades_roster_members`,
by issuer and sub), class-list entries still waiting with the person's names, the Redis launch records
(`launch:*`, by issuer and sub) and reconciliation counters (`gar:reconcile:{account}:*`).

Every function takes a *set* of account ids, so that linked accounts (one person, several identities) can be
exported or erased together later."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import MetaData, Table, and_, delete, inspect, or_, select, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.store.base import ShortLivedStore

ACCOUNTS = "accounts"
SHARED_TABLES = frozenset({
    "courses", "activities", "lti_registrations", "lti_deployments", "lti_tool_keys", "lti_tool_secrets",
    "campaigns", "campaign_organisations", "campaign_target_profiles", "gar_schools", "gar_groups",
    "gar_subscriptions", "grades_line_items", "grades_rosters", "admin_accounts", "admin_audit_log",
    "privacy_erased_identities",
})
LAUNCH_PREFIX = "launch:"
RECONCILE_PREFIX = "gar:reconcile:"
_CHUNK = 500


@dataclass(frozen=True)
class Link:
    """`table.columns` reference `parent.parent_columns`."""

    table: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    ondelete: str | None

    @property
    def is_reference(self) -> bool:
        return (self.ondelete or "").upper() == "SET NULL"


def schema_links(connection: Connection) -> list[Link]:
    inspector = inspect(connection)
    links = []
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            if fk.get("referred_table") and fk.get("constrained_columns"):
                links.append(Link(table, tuple(fk["constrained_columns"]), fk["referred_table"],
                                  tuple(fk["referred_columns"]), (fk.get("options") or {}).get("ondelete")))
    return links


def ownership(links: list[Link]) -> tuple[list[Link], list[Link]]:
    """(owning links, breadth first from `accounts`; reference links from an owned table into a shared one)."""
    by_parent: dict[str, list[Link]] = {}
    for link in links:
        by_parent.setdefault(link.parent, []).append(link)
    owning: list[Link] = []
    references: list[Link] = []
    seen = {ACCOUNTS}
    queue = deque([ACCOUNTS])
    while queue:
        parent = queue.popleft()
        for link in by_parent.get(parent, []):
            if link.table == parent:
                continue
            if link.is_reference or link.table in SHARED_TABLES:
                if link.is_reference:
                    references.append(link)
                continue
            owning.append(link)
            if link.table not in seen:
                seen.add(link.table)
                queue.append(link.table)
    return owning, references


@dataclass
class PersonalData:
    """Everything stored about the accounts: rows per owned table, shared rows that refer to them, Redis keys."""

    account_ids: frozenset[int]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    references: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = field(default_factory=dict)
    redis: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    owning: list[Link] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.rows.get(ACCOUNTS))

    def identities(self) -> set[tuple[str, str]]:
        return {(r["issuer"], r["sub"]) for r in self.rows.get(ACCOUNTS, [])}

    def counts(self) -> dict[str, int]:
        return {name: len(found) for name, found in sorted(self.rows.items()) if found}


class _Reader:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.metadata = MetaData()
        self.tables: dict[str, Table] = {}
        self.names = set(inspect(connection).get_table_names())

    def table(self, name: str) -> Table:
        if name not in self.tables:
            self.tables[name] = Table(name, self.metadata, autoload_with=self.connection)
        return self.tables[name]

    def rows(self, table: Table, condition: Any) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in self.connection.execute(select(table).where(condition))]


def _primary_key(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns] or list(table.c.keys())


def _add(known: list[dict[str, Any]], table: Table, found: Iterable[dict[str, Any]]) -> None:
    pk = _primary_key(table)
    present = {tuple(r[c] for c in pk) for r in known}
    for record in found:
        ident = tuple(record[c] for c in pk)
        if ident not in present:
            present.add(ident)
            known.append(record)


def _matching(child: Table, link: Link, parents: list[dict[str, Any]]) -> Any:
    keys = list({tuple(p[c] for c in link.parent_columns) for p in parents})
    if len(link.columns) == 1:
        return child.c[link.columns[0]].in_([k[0] for k in keys])
    return or_(*(and_(*(child.c[col] == val for col, val in zip(link.columns, key, strict=True))) for key in keys))


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def collect(session: Session, account_ids: Iterable[int], store: ShortLivedStore | None = None) -> PersonalData:
    """Everything about these accounts (nothing when none exists)."""
    ids = frozenset(int(i) for i in account_ids)
    reader = _Reader(session.connection())
    data = PersonalData(ids, tables=reader.tables)
    accounts = reader.table(ACCOUNTS)
    data.rows[ACCOUNTS] = reader.rows(accounts, accounts.c.id.in_(list(ids))) if ids else []
    if not data.found:
        return data
    owning, references = ownership(schema_links(reader.connection))
    data.owning = owning
    for link in owning:
        parents = data.rows.get(link.parent) or []
        if not parents:
            continue
        child = reader.table(link.table)
        for chunk in _chunks(parents):
            _add(data.rows.setdefault(link.table, []), child, reader.rows(child, _matching(child, link, chunk)))
    for link in references:
        parents = data.rows.get(link.parent) or []
        if parents:
            child = reader.table(link.table)
            found = reader.rows(child, _matching(child, link, parents))
            if found:
                data.references[(link.table, link.columns)] = found
    _collect_unlinked(reader, data)
    if store is not None:
        data.redis = redis_records(store, data)
    data.rows = {name: found for name, found in data.rows.items() if found}
    return data


def _collect_unlinked(reader: _Reader, data: PersonalData) -> None:
    """Rows about the person that no foreign key ties to the account."""
    identities = sorted(data.identities())
    if "grades_roster_members" in reader.names and "courses" in reader.names:
        members, courses = reader.table("grades_roster_members"), reader.table("courses")
        found = [dict(r._mapping) for r in reader.connection.execute(
            select(members).join(courses, courses.c.id == members.c.course_id)
            .where(tuple_(courses.c.issuer, members.c.user_id).in_(identities)))]
        _add(data.rows.setdefault("grades_roster_members", []), members, found)
    if "gar_roster_entries" in reader.names and "gar_school_members" in reader.names:
        _collect_waiting_entries(reader, data)


def _collect_waiting_entries(reader: _Reader, data: PersonalData) -> None:
    """Class-list entries of the person's schools that carry the person's names (not yet matched)."""
    from ent_gar_connector.roster import fold  # the GAR connector's name folding

    names = set()
    for account in data.rows.get(ACCOUNTS, []):
        if account.get("given_name") and account.get("family_name"):
            names.add((fold(account["family_name"]), fold(account["given_name"])))
    for profile in data.rows.get("gar_profiles", []):
        if profile.get("listed_given_name") and profile.get("listed_family_name"):
            names.add((fold(profile["listed_family_name"]), fold(profile["listed_given_name"])))
    schools = {m["school_id"] for m in data.rows.get("gar_school_members", [])}
    if not names or not schools:
        return
    entries = reader.table("gar_roster_entries")
    candidates = reader.rows(entries, entries.c.school_id.in_(sorted(schools)))
    _add(data.rows.setdefault("gar_roster_entries", []), entries,
         [e for e in candidates if (fold(e["family_name"]), fold(e["given_name"])) in names])


def redis_records(store: ShortLivedStore, data: PersonalData) -> dict[str, str]:
    """Launch records of the person's identities and the GAR reconciliation counters of their accounts."""
    identities = data.identities()
    found: dict[str, str] = {}
    for key, raw in store.scan_sync(LAUNCH_PREFIX):
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and (record.get("issuer"), record.get("sub")) in identities:
            found[key] = raw
    for account_id in sorted(data.account_ids):
        found.update(store.scan_sync(f"{RECONCILE_PREFIX}{account_id}:"))
    return found


def _children_first(owning: list[Link], names: set[str]) -> list[str]:
    """Tables ordered so that a table comes before every table it references (cycles broken arbitrarily)."""
    parents = {name: {ln.parent for ln in owning if ln.table == name and ln.parent in names and ln.parent != name}
               for name in names}
    ordered: list[str] = []
    remaining = set(names)
    while remaining:
        leaves = sorted(n for n in remaining if not any(n in parents[o] for o in remaining if o != n))
        batch = leaves or [sorted(remaining)[0]]
        ordered.extend(batch)
        remaining -= set(batch)
    return ordered


def delete_rows(session: Session, data: PersonalData) -> dict[str, int]:
    """Delete the person's rows (children first, references set to NULL first); the caller commits.
    Returns rows deleted per table, and `<table>.<column> (NULL)` for the references cleared."""
    connection = session.connection()
    counts: dict[str, int] = {}
    for (name, columns), found in sorted(data.references.items()):
        table = data.tables[name]
        pk = _primary_key(table)
        keys = [tuple(r[c] for c in pk) for r in found]
        nulled = 0
        for chunk in _chunks(keys):
            result = connection.execute(update(table).where(tuple_(*(table.c[c] for c in pk)).in_(chunk))
                                        .values({c: None for c in columns}))
            nulled += result.rowcount or 0
        counts[f"{name}.{','.join(columns)} (NULL)"] = nulled
    for name in _children_first(data.owning, set(data.rows)):
        table = data.tables[name]
        pk = _primary_key(table)
        keys = [tuple(r[c] for c in pk) for r in data.rows[name]]
        deleted = 0
        for chunk in _chunks(keys):
            condition = (table.c[pk[0]].in_([k[0] for k in chunk]) if len(pk) == 1
                         else tuple_(*(table.c[c] for c in pk)).in_(chunk))
            deleted += connection.execute(delete(table).where(condition)).rowcount or 0
        counts[name] = deleted
    session.expire_all()
    return counts


def delete_redis(store: ShortLivedStore, data: PersonalData) -> int:
    for key in data.redis:
        store.delete_sync(key)
    return len(data.redis)


def raw_export(data: PersonalData, now: datetime) -> dict[str, Any]:
    """Every stored value, table by table (the machine-readable form; `readable` builds the person's one)."""
    from privacy.readable import jsonable

    return {
        "account_ids": sorted(data.account_ids),
        "exported_at": now.isoformat(),
        "tables": {name: [{k: jsonable(v) for k, v in r.items()} for r in found]
                   for name, found in sorted(data.rows.items())},
        "references": {f"{name}.{','.join(cols)}": [{k: jsonable(v) for k, v in r.items()} for r in found]
                       for (name, cols), found in sorted(data.references.items())},
        "redis": {key: _maybe_json(raw) for key, raw in sorted(data.redis.items())},
    }


def _maybe_json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw
