"""Read models for the GAR pages (what a teacher sees of their school's classes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.accounts import Account
from core.links import linked_elsewhere
from core.schools import GarGroup, GarGroupMember, GarProfile, GarSchool, GarSchoolMember
from ent_gar_connector.models import GarRosterEntry
from ent_gar_connector.visibility import Scope, class_scope, may_change_school_setting

UNNAMED = "Élève (nom non transmis)"


@dataclass(frozen=True)
class StudentRow:
    account_id: int
    display_name: str
    named: bool
    linked: bool = False  # the pupil linked this ENT account with a platform account ("compte relié")


@dataclass(frozen=True)
class GroupView:
    kind: str
    code: str
    label: str
    students: list[StudentRow]
    mine: bool = False  # the viewer is a member (a class or group the GAR sent for them)


@dataclass(frozen=True)
class SchoolView:
    uai: str
    classes: list[GroupView]
    groups: list[GroupView]
    roster_size: int
    scope: Scope = Scope.SCHOOL
    teachers_see_all_classes: bool = False
    may_change_setting: bool = False
    holds_my_classes: bool = False  # the school the viewer's DIV/GRO are attached to


@dataclass(frozen=True)
class ClassPage:
    profile_code: str
    schools: list[SchoolView]
    unsubscribed_uais: list[str] = field(default_factory=list)
    classes_school: str | None = None  # UAI holding the viewer's classes when they belong to several schools


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


def staff_classes(sessions: sessionmaker[Session], account_id: int) -> ClassPage:
    """The viewer's schools, each with the classes and groups they may see (visibility.class_scope)."""
    with sessions() as session:
        profile = session.get(GarProfile, account_id)
        profile_code = profile.profile_code if profile is not None else ""
        mine = set(session.scalars(select(GarGroupMember.group_id).where(GarGroupMember.account_id == account_id)))
        schools = list(session.scalars(select(GarSchool).where(GarSchool.id.in_(_school_ids(session, account_id)))
                                       .order_by(GarSchool.uai)))
        views = [_school_view(session, school, profile_code, mine, profile) for school in schools]
        unsubscribed = (profile.unsubscribed_uais or "").split() if profile is not None else []
        several = len(schools) + len(unsubscribed) > 1
        holder = next((v.uai for v in views if v.holds_my_classes), None)
        return ClassPage(profile_code, views, unsubscribed, holder if several else None)


def _school_view(session: Session, school: GarSchool, profile_code: str, mine: set[int],
                 profile: GarProfile | None) -> SchoolView:
    scope = class_scope(profile_code, school.teachers_see_all_classes)
    query = select(GarGroup).where(GarGroup.school_id == school.id).order_by(GarGroup.label, GarGroup.code)
    if scope is Scope.OWN:
        query = query.where(GarGroup.id.in_(mine))
    groups = list(session.scalars(query))
    rows = session.execute(
        select(GarGroupMember.group_id, Account, GarProfile)
        .join(Account, Account.id == GarGroupMember.account_id)
        .join(GarProfile, GarProfile.account_id == Account.id)
        .where(GarGroupMember.group_id.in_([g.id for g in groups]), GarProfile.role == "student")
    ).all()
    members: dict[int, list[StudentRow]] = {}
    linked = linked_elsewhere(session, [account.id for _, account, _ in rows])
    for group_id, account, student_profile in rows:
        name, named = display_name(account, student_profile)
        members.setdefault(group_id, []).append(StudentRow(account.id, name, named, account.id in linked))
    built = [GroupView(g.kind, g.code, g.label,
                       sorted(members.get(g.id, []), key=lambda r: (not r.named, r.display_name.lower())),
                       g.id in mine)
             for g in groups]
    built.sort(key=lambda g: not g.mine)  # the viewer's own first, each part in label order (stable sort)
    roster = len(list(session.scalars(select(GarRosterEntry.id).where(GarRosterEntry.school_id == school.id))))
    return SchoolView(school.uai, [g for g in built if g.kind == "class"], [g for g in built if g.kind == "group"],
                      roster, scope, school.teachers_see_all_classes, may_change_school_setting(profile_code),
                      profile is not None and profile.school_id == school.id)


def set_teachers_see_all_classes(sessions: sessionmaker[Session], account_id: int, uai: str, value: bool) -> bool:
    """The school head's switch; False (nothing changed) unless the viewer is the head of a school of theirs."""
    with sessions.begin() as session:
        profile = session.get(GarProfile, account_id)
        if profile is None or not may_change_school_setting(profile.profile_code):
            return False
        school = session.scalar(select(GarSchool).where(GarSchool.uai == uai,
                                                        GarSchool.id.in_(_school_ids(session, account_id))))
        if school is None:
            return False
        school.teachers_see_all_classes = value
        return True
