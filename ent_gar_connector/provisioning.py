"""One-transaction upsert of a GAR identity: account (GAR, IDO), school, classes, groups, profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.accounts import Account
from core.schools import GAR_ISSUER, GarGroup, GarGroupMember, GarProfile, GarSchool, GarSchoolMember
from ent_gar_connector.identity import GarGroupRef, GarIdentity
from ent_gar_connector.models import GarSubscription


class NotSubscribed(Exception):
    def __init__(self, uais: tuple[str, ...]) -> None:
        super().__init__(", ".join(uais))
        self.uais = uais


@dataclass(frozen=True)
class Provisioned:
    account_id: int
    role: str
    created: bool
    school_id: int


def subscribed_uais(session: Session, uais: tuple[str, ...]) -> list[str]:
    found = set(session.scalars(select(GarSubscription.uai).where(GarSubscription.uai.in_(uais))))
    return [uai for uai in uais if uai in found]


def school_for(session: Session, uai: str) -> GarSchool:
    school = session.scalar(select(GarSchool).where(GarSchool.uai == uai))
    if school is None:
        school = GarSchool(uai=uai)
        session.add(school)
        session.flush()
    return school


def _group(session: Session, school_id: int, kind: str, ref: GarGroupRef) -> GarGroup:
    group = session.scalar(select(GarGroup).where(GarGroup.school_id == school_id, GarGroup.kind == kind,
                                                  GarGroup.code == ref.code))
    if group is None:
        group = GarGroup(school_id=school_id, kind=kind, code=ref.code, label=ref.label)
        session.add(group)
        session.flush()
    elif group.label != ref.label:
        group.label = ref.label
    return group


def _upsert(session: Session, identity: GarIdentity, now: datetime) -> Provisioned:
    uais = subscribed_uais(session, identity.uais)
    if not uais:
        raise NotSubscribed(identity.uais)
    account = session.scalar(select(Account).where(Account.issuer == GAR_ISSUER, Account.sub == identity.ido))
    created = account is None
    if account is None:
        account = Account(issuer=GAR_ISSUER, sub=identity.ido, created_at=now)
        session.add(account)
    # names as the GAR sends them at this login: none sent clears the old ones (the names a school's class list
    # gave a pupil are on the GAR profile, `listed_*`, and stay)
    account.given_name, account.family_name = identity.given_name, identity.family_name
    account.name = " ".join(p for p in (identity.given_name, identity.family_name) if p) or None
    account.last_launch_at = now
    session.flush()

    schools = [school_for(session, uai) for uai in uais]
    session.execute(delete(GarSchoolMember).where(GarSchoolMember.account_id == account.id))
    session.add_all(GarSchoolMember(school_id=s.id, account_id=account.id) for s in schools)
    # DIV/GRO carry no UAI: they belong to the first subscribed school sent (the class page says so to a
    # person of several schools).
    primary = schools[0]
    groups = [_group(session, primary.id, "class", ref) for ref in identity.classes]
    groups += [_group(session, primary.id, "group", ref) for ref in identity.groups]
    session.execute(delete(GarGroupMember).where(GarGroupMember.account_id == account.id))
    session.add_all(GarGroupMember(group_id=g.id, account_id=account.id) for g in groups)

    profile = session.get(GarProfile, account.id)
    if profile is None:
        profile = GarProfile(account_id=account.id, role=identity.role, profile_code=identity.profile_code)
        session.add(profile)
    profile.role, profile.profile_code = identity.role, identity.profile_code
    profile.school_id, profile.last_login_at = primary.id, now
    unsubscribed = [uai for uai in identity.uais if uai not in uais]
    profile.unsubscribed_uais = " ".join(unsubscribed)[:255] or None
    return Provisioned(account.id, identity.role, created, primary.id)


def provision(sessions: sessionmaker[Session], identity: GarIdentity, now: datetime) -> Provisioned:
    """Create or update everything in one transaction; a concurrent first login of the same person is retried."""
    attempts = 4
    for attempt in range(attempts):
        try:
            with sessions.begin() as session:
                return _upsert(session, identity, now)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
