"""Accounts as the doors leave them: GAR staff and pupils of a school (profile, school membership, class), LTI
members of a course."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import Account
from core.courses import Course, Membership
from core.schools import GAR_ISSUER, GarGroup, GarGroupMember, GarProfile, GarSchool, GarSchoolMember

_ROLE = {"National_elv": "student", "National_ens": "teacher", "National_doc": "teacher", "National_dir": "teacher"}


def school(db: Session, uai: str) -> GarSchool:
    found = db.scalar(select(GarSchool).where(GarSchool.uai == uai))
    if found is None:
        found = GarSchool(uai=uai)
        db.add(found)
        db.flush()
    return found


def gar_person(db: Session, uai: str, profile: str, sub: str, given: str = "Prénom", family: str = "Nom",
               division: str | None = None) -> int:
    place = school(db, uai)
    account = Account(issuer=GAR_ISSUER, sub=sub, given_name=given, family_name=family, name=f"{given} {family}")
    db.add(account)
    db.flush()
    db.add(GarProfile(account_id=account.id, role=_ROLE[profile], profile_code=profile, school_id=place.id))
    db.add(GarSchoolMember(school_id=place.id, account_id=account.id))
    if division is not None:
        group = db.scalar(select(GarGroup).where(GarGroup.school_id == place.id, GarGroup.code == division))
        if group is None:
            group = GarGroup(school_id=place.id, kind="class", code=division, label=division)
            db.add(group)
            db.flush()
        db.add(GarGroupMember(group_id=group.id, account_id=account.id))
    db.flush()
    return account.id


def course(db: Session, context_id: str, title: str = "Cours") -> int:
    row = Course(issuer="https://moodle.example", deployment_id="1", context_id=context_id, title=title)
    db.add(row)
    db.flush()
    return row.id


def lti_person(db: Session, course_id: int, role: str, sub: str, given: str = "Prénom", family: str = "Nom") -> int:
    account = Account(issuer="https://moodle.example", sub=sub, given_name=given, family_name=family,
                      name=f"{given} {family}")
    db.add(account)
    db.flush()
    db.add(Membership(account_id=account.id, course_id=course_id, role=role))
    db.flush()
    return account.id
