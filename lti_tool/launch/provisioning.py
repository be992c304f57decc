"""Find-or-create account (issuer, sub; its names replaced by this launch's, cleared when none are sent), course
(context), activity (resource link) and membership in ONE transaction, called only once a launch is fully
validated. Upserts (INSERT ... ON CONFLICT DO UPDATE
RETURNING, on PostgreSQL and SQLite) keep it to four statements and free of races between workers.

A course is one per platform (issuer) and context: the same Moodle course reached through two deployments
of the tool (a re-registration, a second tool type) is the same course, with the same campaigns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from core.accounts import Account
from core.courses import Activity, Course, Membership
from core.db import utcnow
from lti_tool.grades import backfill
from lti_tool.grades.launch_services import grade_column, record_launch_services
from lti_tool.launch.message import LaunchMessage


@dataclass(frozen=True)
class Provisioned:
    account_id: int
    course_id: int | None
    activity_id: int | None


@lru_cache(maxsize=32)
def _statement(dialect: str, model: Any, columns: tuple[str, ...], keys: tuple[str, ...],
               replace: tuple[str, ...], keep_if_null: tuple[str, ...]) -> Any:
    """Built once per shape and dialect: statement construction dominates the cost otherwise."""
    table = model.__table__
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table).values({name: bindparam(name) for name in columns})
    updates: dict[str, Any] = {name: stmt.excluded[name] for name in replace}
    updates.update({name: func.coalesce(stmt.excluded[name], table.c[name]) for name in keep_if_null})
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates).returning(table.c.id)


def _upsert(session: Session, model: Any, values: dict[str, Any], keys: list[str],
            replace: tuple[str, ...] = (), keep_if_null: tuple[str, ...] = ()) -> int:
    connection = session.connection()
    stmt = _statement(connection.dialect.name, model, tuple(values), tuple(keys), replace, keep_if_null)
    return int(connection.execute(stmt, values).scalar_one())


def provision(factory: sessionmaker[Session], msg: LaunchMessage, *,
              scorecards_of: backfill.ScorecardsOf | None = None, locale: str = "fr") -> Provisioned:
    """`scorecards_of` (a learner's current scorecards) lets a first launch send results obtained before the
    activity's column was known (`grades.backfill`); without it, nothing is sent at launch."""
    with factory() as session, session.begin():
        account_id = _upsert(
            session, Account,
            {"issuer": msg.issuer, "sub": msg.sub, "name": msg.name, "given_name": msg.given_name,
             "family_name": msg.family_name, "created_at": utcnow(), "last_launch_at": utcnow()},
            # names as the platform sends them now: none sent (Moodle's "share name: never") clears the old ones
            ["issuer", "sub"], replace=("last_launch_at", "name", "given_name", "family_name"),
        )
        course_id = None
        if msg.context_id is not None:
            course_id = _upsert(
                session, Course,
                {"issuer": msg.issuer, "deployment_id": msg.deployment_id, "context_id": msg.context_id,
                 "label": msg.context_label, "title": msg.context_title},
                ["issuer", "context_id"], keep_if_null=("label", "title"),
            )
            _upsert(session, Membership, {"account_id": account_id, "course_id": course_id, "role": msg.role},
                    ["account_id", "course_id"], replace=("role",))
        activity_id = None
        if msg.resource_link_id is not None:
            activity_id = _upsert(
                session, Activity,
                {"issuer": msg.issuer, "deployment_id": msg.deployment_id, "resource_link_id": msg.resource_link_id,
                 "course_id": course_id, "title": msg.resource_link_title,
                 "description": msg.resource_link_description, "custom": dict(msg.custom)},
                ["issuer", "deployment_id", "resource_link_id"], replace=("custom",),
                keep_if_null=("course_id", "title", "description"),
            )
        first = record_launch_services(session, msg, account_id, course_id, activity_id, locale)
        if scorecards_of is not None and activity_id is not None:
            if first:
                backfill.send_current_result(session, account_id=account_id, activity_id=activity_id,
                                             scorecards_of=scorecards_of, at=utcnow())
            elif msg.role in ("teacher", "admin") and course_id is not None:
                backfill.column_added(session, activity_id=activity_id, course_id=course_id,
                                      column=grade_column(msg), locale=locale, scorecards_of=scorecards_of,
                                      at=utcnow())
        return Provisioned(account_id, course_id, activity_id)
