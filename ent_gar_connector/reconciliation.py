"""Matching a GAR student to a roster entry: birth date, class, names (accents/punctuation folded, Levenshtein
ratio ≤ 0.25), exactly one candidate — otherwise no match. Once matched, the list's names are kept on the
pupil's GAR profile (`listed_*`) and the entry, with its birth date, is deleted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import Account
from core.schools import GarGroup, GarGroupMember, GarProfile, GarSchoolMember
from engine.answers import levenshtein
from ent_gar_connector.models import GarRosterEntry
from ent_gar_connector.roster import fold

MAX_NAME_RATIO = 0.25


@dataclass(frozen=True)
class Names:
    family_name: str
    given_name: str


def name_ratio(a: str, b: str) -> float:
    a, b = fold(a).replace(" ", ""), fold(b).replace(" ", "")
    if not a or not b:
        return 1.0
    return levenshtein(a, b) / max(len(a), len(b))


def names_close(names: Names, entry: GarRosterEntry) -> bool:
    return (name_ratio(names.family_name, entry.family_name) <= MAX_NAME_RATIO
            and name_ratio(names.given_name, entry.given_name) <= MAX_NAME_RATIO)


def candidates(entries: Iterable[GarRosterEntry], birth_date: date, class_keys: set[str],
               names: Names | None) -> list[GarRosterEntry]:
    found = [e for e in entries if e.account_id is None and e.birth_date == birth_date]
    if class_keys:
        found = [e for e in found if fold(e.class_label).replace(" ", "") in class_keys]
    if names is not None:
        found = [e for e in found if names_close(names, e)]
    return found


def choose(entries: Sequence[GarRosterEntry], birth_date: date, class_keys: set[str],
           names: Names | None) -> GarRosterEntry | None:
    """The single candidate, or None. Without names, a class is required (birth date alone is too weak)."""
    if names is None and not class_keys:
        return None
    found = candidates(entries, birth_date, class_keys, names)
    return found[0] if len(found) == 1 else None


def _class_keys(session: Session, account_id: int) -> set[str]:
    rows = session.execute(
        select(GarGroup.code, GarGroup.label).join(GarGroupMember, GarGroupMember.group_id == GarGroup.id)
        .where(GarGroupMember.account_id == account_id, GarGroup.kind == "class")
    )
    return {fold(text).replace(" ", "") for row in rows for text in row if text}


def school_ids(session: Session, account_id: int) -> list[int]:
    return list(session.scalars(select(GarSchoolMember.school_id).where(GarSchoolMember.account_id == account_id)))


def listed_names(session: Session, account_id: int) -> Names | None:
    """The names the school's class list gave this pupil when matched, None when not matched."""
    profile = session.get(GarProfile, account_id)
    if profile is None or not profile.listed_family_name:
        return None
    return Names(profile.listed_family_name, profile.listed_given_name or "")


def has_roster(session: Session, account_id: int) -> bool:
    schools = school_ids(session, account_id)
    return bool(schools) and session.scalar(
        select(GarRosterEntry.id).where(GarRosterEntry.school_id.in_(schools)).limit(1)) is not None


def reconcile(session: Session, account_id: int, birth_date: date, typed: Names | None) -> Names | None:
    """When exactly one entry fits: its names go to the pupil's GAR profile and the entry is deleted (the birth
    date is not kept). Returns the names, or None; the caller commits."""
    already = listed_names(session, account_id)
    if already is not None:
        return already
    account = session.get(Account, account_id)
    profile = session.get(GarProfile, account_id)
    if account is None or profile is None:
        return None
    names = typed
    if account.family_name and account.given_name:
        names = Names(account.family_name, account.given_name)
    schools = school_ids(session, account_id)
    if not schools:
        return None
    entries = list(session.scalars(select(GarRosterEntry).where(GarRosterEntry.school_id.in_(schools))))
    entry = choose(entries, birth_date, _class_keys(session, account_id), names)
    if entry is None:
        return None
    profile.listed_family_name, profile.listed_given_name = entry.family_name, entry.given_name
    session.delete(entry)
    session.flush()
    return Names(entry.family_name, entry.given_name)
