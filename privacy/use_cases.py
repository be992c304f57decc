"""Find, export and erase a person: one transaction each, every export and erasure in the audit log (action,
account ids, row counts: never a name or an identifier from the platform)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, false, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core import audit
from core.accounts import Account
from core.links import expand_to_links
from core.schools import GAR_ISSUER, GarProfile
from core.store.base import ShortLivedStore
from privacy.erased import remember_erased
from privacy.erasure import collect, delete_redis, delete_rows, raw_export
from privacy.readable import readable_export


def _target(account_ids: Iterable[int]) -> str:
    return "account:" + ",".join(str(i) for i in sorted(account_ids))


def export_people(sessions: sessionmaker[Session], store: ShortLivedStore | None, account_ids: Iterable[int],
                  actor: str, now: datetime, *, raw: bool = False) -> dict[str, Any] | None:
    """The person's data (readable by default, every stored value with `raw`), their linked accounts included;
    None when no account exists."""
    with sessions.begin() as session:
        data = collect(session, expand_to_links(session, account_ids), store)  # a linked learner is one person
        if not data.found:
            return None
        exported = raw_export(data, now) if raw else readable_export(session, data, now)
        audit.record(session, actor, "privacy.export", _target(data.account_ids), tables=data.counts(),
                     redis_keys=len(data.redis))
    return exported


@dataclass(frozen=True)
class Erasure:
    account_ids: tuple[int, ...]
    tables: dict[str, int]
    redis_keys: int


def erase_people(sessions: sessionmaker[Session], store: ShortLivedStore | None, account_ids: Iterable[int],
                 actor: str, now: datetime) -> Erasure | None:
    """Delete everything about the accounts and the accounts linked to them in one transaction, list their
    identities as erased (so that an LMS roster does not bring them back), then delete their Redis records. None
    when no account exists."""
    with sessions.begin() as session:
        data = collect(session, expand_to_links(session, account_ids), store)  # a linked learner is one person
        if not data.found:
            return None
        counts = delete_rows(session, data)
        remember_erased(session, data.identities(), now)
        audit.record(session, actor, "privacy.delete", _target(data.account_ids), tables=counts,
                     redis_keys=len(data.redis))
    redis_keys = delete_redis(store, data) if store is not None else 0
    return Erasure(tuple(sorted(data.account_ids)), counts, redis_keys)


@dataclass(frozen=True)
class Found:
    account_id: int
    issuer: str
    sub: str
    name: str | None
    role: str | None
    last_used: datetime


def find_people(session: Session, *, sub: str | None = None, ido: str | None = None, name: str | None = None,
                limit: int = 50) -> list[Found]:
    """Accounts by platform identifier (`sub`, any issuer), GAR identifier (IDO) or a part of a name
    (account names and class-list names, case-insensitive)."""
    query = select(Account, GarProfile.role).outerjoin(GarProfile, GarProfile.account_id == Account.id)
    if sub is not None:
        query = query.where(Account.sub == sub.strip())
    if ido is not None:
        query = query.where(Account.issuer == GAR_ISSUER, Account.sub == ido.strip())
    if name is not None:
        pattern = "%" + name.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        full = func.lower(func.coalesce(Account.given_name, "") + " " + func.coalesce(Account.family_name, ""))
        listed = func.lower(func.coalesce(GarProfile.listed_given_name, "") + " "
                            + func.coalesce(GarProfile.listed_family_name, ""))
        reversed_full = func.lower(func.coalesce(Account.family_name, "") + " " + func.coalesce(Account.given_name, ""))
        query = query.where(or_(func.lower(Account.name).like(pattern, escape="\\"), full.like(pattern, escape="\\"),
                                reversed_full.like(pattern, escape="\\"), listed.like(pattern, escape="\\")))
    rows = session.execute(query.order_by(Account.id).limit(limit)).all()
    found = []
    for account, gar_role in rows:
        shown = account.name or " ".join(p for p in (account.given_name, account.family_name) if p) or None
        found.append(Found(account.id, account.issuer, account.sub, shown, gar_role, account.last_launch_at))
    return found


@dataclass(frozen=True)
class Listing:
    """A person stored without an account: a line of an LMS roster (NRPS) or of a school's class list."""

    kind: str  # "roster" | "class-list"
    where: str  # the course (issuer and title) or the school (UAI)
    identifier: str | None  # the LMS sub (roster lines)
    name: str
    detail: str  # roles, or class (and birth date) of a class-list entry


def find_listings(session: Session, *, sub: str | None = None, name: str | None = None,
                  limit: int = 50) -> list[Listing]:
    """Roster lines and class-list entries of people who never opened the tool, by sub or part of a name."""
    from core.courses import Course
    from core.rosters import RosterMember
    from core.schools import GarSchool
    from ent_gar_connector.models import GarRosterEntry

    found: list[Listing] = []
    roster = (select(RosterMember, Course).join(Course, Course.id == RosterMember.course_id)
              .outerjoin(Account, (Account.issuer == Course.issuer) & (Account.sub == RosterMember.user_id))
              .where(Account.id.is_(None)))
    entries = select(GarRosterEntry, GarSchool.uai).join(GarSchool, GarSchool.id == GarRosterEntry.school_id)
    if sub is not None:
        roster = roster.where(RosterMember.user_id == sub.strip())
        entries = entries.where(false())  # class lists carry no identifier
    if name is not None:
        pattern = "%" + name.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        roster = roster.where(or_(
            func.lower(func.coalesce(RosterMember.name, "")).like(pattern, escape="\\"),
            func.lower(func.coalesce(RosterMember.given_name, "") + " " + func.coalesce(RosterMember.family_name, ""))
            .like(pattern, escape="\\"),
            func.lower(func.coalesce(RosterMember.family_name, "") + " " + func.coalesce(RosterMember.given_name, ""))
            .like(pattern, escape="\\")))
        entries = entries.where(or_(
            func.lower(GarRosterEntry.given_name + " " + GarRosterEntry.family_name).like(pattern, escape="\\"),
            func.lower(GarRosterEntry.family_name + " " + GarRosterEntry.given_name).like(pattern, escape="\\")))
    for member, course in session.execute(roster.limit(limit)):
        shown = member.name or " ".join(p for p in (member.given_name, member.family_name) if p) or "-"
        found.append(Listing("roster", f"{course.issuer} {course.title or course.context_id}", member.user_id,
                             shown, ",".join(r.rsplit("#", 1)[-1] for r in member.roles or [])))
    for entry, uai in session.execute(entries.limit(limit)):
        found.append(Listing("class-list", uai, None, f"{entry.given_name} {entry.family_name}",
                             f"{entry.class_label}, né(e) le {entry.birth_date:%d/%m/%Y}"))
    return found


def forget_roster_listings(sessions: sessionmaker[Session], issuer: str, sub: str, actor: str,
                           now: datetime) -> int:
    """Delete the LMS roster lines of someone who never opened the tool and list them as erased, so that the
    next refresh does not store them again. Returns the lines deleted (0: nothing stored, nothing audited)."""
    from core.courses import Course
    from core.rosters import RosterMember

    with sessions.begin() as session:
        ids = list(session.scalars(select(RosterMember.id).join(Course, Course.id == RosterMember.course_id)
                                   .where(Course.issuer == issuer, RosterMember.user_id == sub)))
        if not ids:
            return 0
        session.execute(delete(RosterMember).where(RosterMember.id.in_(ids)))
        remember_erased(session, [(issuer, sub)], now)
        audit.record(session, actor, "privacy.forget_roster", None, tables={"grades_roster_members": len(ids)})
    return len(ids)
