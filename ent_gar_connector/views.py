"""Read models for the GAR pages (what a teacher sees of their school's classes)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ent_gar_connector.models import GarGroup, GarGroupMember, GarProfile, GarRosterEntry, GarSchool, GarSchoolMember
from lti_tool.persistence.models import Account

UNNAMED = "Élève (nom non transmis)"


@dataclass(frozen=True)
class StudentRow:
    account_id: int
    display_name: str
    named: bool


@dataclass(frozen=True)
class GroupView:
    kind: str
    code: str
    label: str
    students: list[StudentRow]


@dataclass(frozen=True)
class SchoolView:
    uai: str
    classes: list[GroupView]
    groups: list[GroupView]
    roster_size: int


def display_name(account: Account, profile: GarProfile | None) -> tuple[str, bool]:
    if account.given_name or account.family_name:
        return " ".join(p for p in (account.given_name, account.family_name) if p), True
    if profile is not None and profile.listed_family_name:
        return " ".join(p for p in (profile.listed_given_name, profile.listed_family_name) if p), True
    return UNNAMED, False


def _school_ids(session: Session, account_id: int) -> list[int]:
    return list(session.scalars(select(GarSchoolMember.school_id).where(GarSchoolMember.account_id == account_id)))


def staff_uais(sessions: sessionmaker[Session], account_id: int) -> list[str]:
    with sessions() as session:
        ids = _school_ids(session, account_id)
        return list(session.scalars(select(GarSchool.uai).where(GarSchool.id.in_(ids)).order_by(GarSchool.uai)))


def may_upload_roster(sessions: sessionmaker[Session], account_id: int, profiles: list[str]) -> bool:
    """Only the GAR profiles chosen by the deployment (heads of school by default) upload class lists."""
    with sessions() as session:
        profile = session.get(GarProfile, account_id)
        return profile is not None and profile.profile_code in profiles


def names_known(sessions: sessionmaker[Session], account_id: int) -> bool:
    with sessions() as session:
        account = session.get(Account, account_id)
        return bool(account and account.family_name and account.given_name)


def staff_classes(sessions: sessionmaker[Session], account_id: int) -> list[SchoolView]:
    with sessions() as session:
        schools = list(session.scalars(select(GarSchool).where(GarSchool.id.in_(_school_ids(session, account_id)))
                                       .order_by(GarSchool.uai)))
        views = []
        for school in schools:
            groups = list(session.scalars(select(GarGroup).where(GarGroup.school_id == school.id)
                                          .order_by(GarGroup.label, GarGroup.code)))
            rows = session.execute(
                select(GarGroupMember.group_id, Account, GarProfile)
                .join(Account, Account.id == GarGroupMember.account_id)
                .join(GarProfile, GarProfile.account_id == Account.id)
                .where(GarGroupMember.group_id.in_([g.id for g in groups]), GarProfile.role == "student")
            ).all()
            members: dict[int, list[StudentRow]] = {}
            for group_id, account, profile in rows:
                name, named = display_name(account, profile)
                members.setdefault(group_id, []).append(StudentRow(account.id, name, named))
            built = [GroupView(g.kind, g.code, g.label,
                               sorted(members.get(g.id, []), key=lambda r: (not r.named, r.display_name.lower())))
                     for g in groups]
            roster = len(list(session.scalars(select(GarRosterEntry.id).where(GarRosterEntry.school_id == school.id))))
            views.append(SchoolView(school.uai, [g for g in built if g.kind == "class"],
                                    [g for g in built if g.kind == "group"], roster))
        return views
