"""Campaigns for pupils who are not certifiable yet, created in one click by a centre (issue 19).

- "SOS élève non certifiable": a campaign over the easy skills (levels 1–2) of the 5 competences the centre's
  pupils most often lack (no level yet). Certifiability needs 5 competences at level ≥ 1 (engine.md §8): these
  are the competences where a pupil gains a level fastest. It is an assessment campaign: the service's
  "profile collection" type has no competences to aim at, and the point is to build the missing levels; the
  pupil's answers count in their profile like any positioning test.
- "Diagnostic de rentrée": a template over the 16 competences up to level 3, to see where a class starts.

Both go through `campaigns.use_cases.create_campaign` (its access rule, codes, target profile)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns import access as campaign_access
from campaigns.models import CampaignRow
from campaigns.use_cases import CampaignDraft, create_campaign
from certification import access, enrolment
from certification.certifiability import certifiability_of
from certification.errors import FORBIDDEN, UNKNOWN, StaffRefusal
from certification.models import CentreRow
from engine.campaigns.participation import CampaignError, CampaignType
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.knowledge import current_knowledge
from engine.referential import Referential
from engine.scoring import build_scorecard
from learning.models import KnowledgeElementRow
from learning.repository import to_knowledge_element

SOS_NAME = "SOS élève non certifiable"
SOS_MAX_LEVEL = 2
SOS_COMPETENCES = 5
RENTREE_NAME = "Diagnostic de rentrée"
RENTREE_MAX_LEVEL = 3


def most_lacking_competences(db: Session, referential: Referential, account_ids: Iterable[int], now: datetime,
                             count: int = SOS_COMPETENCES, config: EngineConfig = DEFAULT_CONFIG) -> list[str]:
    """The competences most of these pupils have no level in (ties: referential order)."""
    ids = list(set(account_ids))
    lacking: Counter[str] = Counter({code: 0 for code in referential.competences})
    if ids:
        elements: dict[int, list] = {i: [] for i in ids}
        for row in db.execute(select(*KnowledgeElementRow.__table__.columns)
                              .where(KnowledgeElementRow.account_id.in_(ids)).order_by(KnowledgeElementRow.id)):
            elements[row.account_id].append(to_knowledge_element(row))
        for items in elements.values():
            state = current_knowledge(items)
            for code in referential.competences:
                card = build_scorecard(referential, code, state, test_in_progress=False, test_completed=False,
                                       last_activity=None, now=now, config=config)
                if card.level < config.certifiable_min_level:
                    lacking[code] += 1
    order = list(referential.competences)
    return sorted(order, key=lambda code: (-lacking[code], order.index(code)))[:count]


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
    """One click: the competences come from the centre's pupils who are not certifiable now."""
    centre = db.get(CentreRow, centre_id)
    if centre is None or access.role_in_centre(db, by_account, centre) is None:
        raise StaffRefusal(UNKNOWN, 404)
    pupils = list(enrolment.pupils_of_centre(db, centre))
    status = certifiability_of(db, referential, pupils)
    not_certifiable = [p for p, s in status.items() if not s.is_certifiable]
    codes = most_lacking_competences(db, referential, not_certifiable, now)
    tubes = tuple(t.name for t in referential.tubes.values() if t.competence_code in codes)
    return _create(db, referential, centre_id, by_account,
                   CampaignDraft(SOS_NAME, CampaignType.ASSESSMENT, tubes, SOS_MAX_LEVEL, multiple_sendings=True),
                   now)


def create_rentree_campaign(db: Session, referential: Referential, centre_id: int, by_account: int,
                            now: datetime) -> CampaignRow:
    tubes = tuple(referential.tubes)
    return _create(db, referential, centre_id, by_account,
                   CampaignDraft(RENTREE_NAME, CampaignType.ASSESSMENT, tubes, RENTREE_MAX_LEVEL), now)
