"""Account linking on a migrated database (SQLite, and PostgreSQL when asked): the learning and campaign services
on one clock, a course with a teacher and a campaign, and a learner with an LTI and a GAR account."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from campaigns.service import CampaignService
from campaigns.use_cases import CampaignDraft
from core.accounts import Account
from core.courses import Course, Membership
from core.schools import GAR_ISSUER
from engine.campaigns.participation import CampaignType
from ent_gar_connector.models import GarSubscription
from tests.campaign_use_cases.conftest import learning, service  # noqa: F401 (fixtures)
from tests.gar.conftest import SCHOOL, Gar, gar_keys, gar_settings, idp  # noqa: F401 (fixtures)
from tests.gar.idp import GarIdp
from tests.grades.conftest import World, any_world  # noqa: F401 (fixtures)
from tests.learning_use_cases.conftest import START, Clock, clock, sessions  # noqa: F401 (fixtures)
from tests.lti.conftest import postgres_redis  # noqa: F401 (fixture)

__all__ = ["START", "Clock", "Learner"]
LMS = "https://moodle.example"


@dataclass(frozen=True)
class Learner:
    lti: int
    gar: int
    teacher: int
    campaign_code: str


@pytest.fixture
def learner(sessions: sessionmaker[Session], service: CampaignService) -> Learner:  # noqa: F811
    """Camille: an LTI account (created first) and a GAR account; a teacher of her Moodle course and its campaign."""
    with sessions.begin() as session:
        course = Course(issuer=LMS, deployment_id="d", context_id="snt", label="SNT", title="SNT 2de A")
        lti = Account(issuer=LMS, sub="camille", given_name="Camille", family_name="Lemaire", created_at=START)
        gar = Account(issuer=GAR_ISSUER, sub="c3" * 64, given_name="Camille", family_name="Lemaire",
                      created_at=START.replace(day=3))
        teacher = Account(issuer=LMS, sub="prof", given_name="Marie", family_name="Curie")
        session.add_all([course, lti, gar, teacher])
        session.flush()
        session.add_all([Membership(account_id=lti.id, course_id=course.id, role="student"),
                         Membership(account_id=teacher.id, course_id=course.id, role="teacher")])
        ids = lti.id, gar.id, teacher.id, course.id
    campaign = service.create(ids[2], f"course:{ids[3]}",
                              CampaignDraft("Recherche", CampaignType.ASSESSMENT, ("rechercheUrl",),
                                            multiple_sendings=True))
    return Learner(ids[0], ids[1], ids[2], campaign.code)


@pytest.fixture
def both_doors(any_world: World, idp: GarIdp, gar_keys: Path) -> Iterator[tuple[World, Gar]]:  # noqa: F811
    """One app with the LTI platform (AGS) and the GAR médiacentre."""
    any_world.tool.client.app.state.gar_settings = gar_settings(gar_keys)
    gar = Gar(any_world.tool.client, idp, gar_keys)
    with gar.sessions() as session:  # the PostgreSQL schema is shared by the tests of a module
        subscribed = session.get(GarSubscription, SCHOOL) is not None
    if not subscribed:
        gar.subscribe(SCHOOL)
    yield any_world, gar
