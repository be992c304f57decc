"""Campaigns for pupils who are not certifiable yet, created in one click by a centre (issue 19).

- "SOS élève non certifiable": a **profile-collection** campaign ("campagne de collecte de profils", the seeds'
  tool for pupils without a profile before a session). The pupil joins with its code (given at the test day, or
  from the candidate's page when the centre created it), works on any competence from their profile and sends
  the profile, again after progressing (multiple sendings); the campaign's dashboard shows, for each pupil who
  sent it, whether they are certifiable and how many competences they still miss (engine.md §8: 5 at level ≥ 1).
- "Diagnostic de rentrée": an assessment template over the 16 competences up to level 3, to see where a class
  starts.

Both go through `campaigns.use_cases.create_campaign` (its access rule, codes, target profile)."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns import access as campaign_access
from campaigns.models import CampaignRow
from campaigns.use_cases import CampaignDraft, create_campaign
from certification import access
from certification.errors import FORBIDDEN, UNKNOWN, StaffRefusal
from certification.models import CentreRow
from engine.campaigns.participation import CampaignError, CampaignType
from engine.referential import Referential

SOS_NAME = "SOS élève non certifiable"
RENTREE_NAME = "Diagnostic de rentrée"
RENTREE_MAX_LEVEL = 3


def _organisation(db: Session, centre: CentreRow):  # type: ignore[no-untyped-def]
    if centre.uai is not None:
        return campaign_access.organisation_for_school(db, centre.uai)
    assert centre.course_id is not None
    return campaign_access.organisation_for_course(db, centre.course_id)


def _create(db: Session, referential: Referential, centre_id: int, by_account: int, draft: CampaignDraft,
            now: datetime) -> CampaignRow:
    centre = db.get(CentreRow, centre_id)
    role = None if centre is None else access.role_in_centre(db, by_account, centre)
    if centre is None or role is None:
        raise StaffRefusal(UNKNOWN, 404)
    try:
        return create_campaign(db, referential, draft, creator_id=by_account, organisation=_organisation(db, centre),
                               course_id=centre.course_id, rng=random.Random(), now=now)
    except CampaignError as exc:
        raise StaffRefusal(FORBIDDEN, 403, exc.code) from exc


def create_sos_campaign(db: Session, referential: Referential, centre_id: int, by_account: int,
                        now: datetime) -> CampaignRow:
    """One click: the centre's profile-collection campaign for its pupils who are not certifiable yet."""
    return _create(db, referential, centre_id, by_account,
                   CampaignDraft(SOS_NAME, CampaignType.PROFILES_COLLECTION, multiple_sendings=True), now)


def create_rentree_campaign(db: Session, referential: Referential, centre_id: int, by_account: int,
                            now: datetime) -> CampaignRow:
    tubes = tuple(referential.tubes)
    return _create(db, referential, centre_id, by_account,
                   CampaignDraft(RENTREE_NAME, CampaignType.ASSESSMENT, tubes, RENTREE_MAX_LEVEL), now)


def sos_campaign_of(db: Session, centre_id: int) -> CampaignRow | None:
    """The centre's latest open "SOS élève non certifiable" campaign, to offer a pupil who is not certifiable
    (the candidate's pages, issue 19's test day); None when the centre has not created one."""
    centre = db.get(CentreRow, centre_id)
    if centre is None:
        return None
    organisation = _organisation(db, centre)
    return db.scalar(select(CampaignRow).where(CampaignRow.organisation_id == organisation.id,
                                               CampaignRow.name == SOS_NAME, CampaignRow.archived_at.is_(None))
                     .order_by(CampaignRow.id.desc()).limit(1))
