"""Who may see what: a teacher sees the campaigns of the courses and schools they belong to as staff; a
student sees only their own participations (checked where participations are loaded)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import CampaignRow, Organisation
from core.courses import Course, Membership
from core.schools import GarProfile, GarSchool, GarSchoolMember

STAFF_ROLES = ("teacher", "admin")


def teacher_course_ids(session: Session, account_id: int) -> list[int]:
    return list(session.scalars(select(Membership.course_id).where(
        Membership.account_id == account_id, Membership.role.in_(STAFF_ROLES))))


def staff_school_uais(session: Session, account_id: int) -> list[str]:
    """Schools where the account logged in through the GAR with a staff profile."""
    return list(session.scalars(
        select(GarSchool.uai)
        .join(GarSchoolMember, GarSchoolMember.school_id == GarSchool.id)
        .join(GarProfile, GarProfile.account_id == GarSchoolMember.account_id)
        .where(GarSchoolMember.account_id == account_id, GarProfile.role != "student")
        .order_by(GarSchool.uai)))


def may_manage_organisation(session: Session, account_id: int, organisation: Organisation) -> bool:
    if organisation.kind == "course":
        return organisation.course_id in teacher_course_ids(session, account_id)
    return organisation.uai in staff_school_uais(session, account_id)


def may_see_campaign(session: Session, account_id: int, campaign: CampaignRow) -> bool:
    """A teacher member of the campaign's course, or staff of its organisation."""
    if campaign.course_id is not None and campaign.course_id in teacher_course_ids(session, account_id):
        return True
    organisation = session.get(Organisation, campaign.organisation_id)
    return organisation is not None and may_manage_organisation(session, account_id, organisation)


def organisation_for_course(session: Session, course_id: int) -> Organisation:
    found = session.scalars(select(Organisation).where(Organisation.course_id == course_id)).first()
    if found is None:
        course = session.get(Course, course_id)
        name = (course.title or course.label or course.context_id) if course else f"Cours {course_id}"
        found = Organisation(kind="course", course_id=course_id, name=name[:512])
        session.add(found)
        session.flush()
    return found


def organisation_for_school(session: Session, uai: str) -> Organisation:
    found = session.scalars(select(Organisation).where(Organisation.uai == uai)).first()
    if found is None:
        found = Organisation(kind="school", uai=uai, name=f"Établissement {uai}")
        session.add(found)
        session.flush()
    return found


def visible_campaigns(session: Session, account_id: int) -> list[tuple[CampaignRow, str]]:
    """Every campaign the teacher may follow with its organisation's name, grouped by organisation, newest first."""
    courses = teacher_course_ids(session, account_id)
    uais = staff_school_uais(session, account_id)
    organisations = select(Organisation.id).where(
        (Organisation.course_id.in_(courses)) | (Organisation.uai.in_(uais)))
    return [(c, name) for c, name in session.execute(
        select(CampaignRow, Organisation.name)
        .join(Organisation, Organisation.id == CampaignRow.organisation_id)
        .where(CampaignRow.course_id.in_(courses) | CampaignRow.organisation_id.in_(organisations))
        .order_by(Organisation.name, CampaignRow.created_at.desc(), CampaignRow.id.desc()))]


def course_campaigns(session: Session, account_id: int, course_id: int) -> list[CampaignRow]:
    """The open campaigns of one course that this teacher may see (the deep-linking picker's list), newest first."""
    if course_id not in teacher_course_ids(session, account_id):
        return []
    return list(session.scalars(
        select(CampaignRow)
        .where(CampaignRow.course_id == course_id, CampaignRow.archived_at.is_(None))
        .order_by(CampaignRow.created_at.desc(), CampaignRow.id.desc())))
