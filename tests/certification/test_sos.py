"""One-click campaigns of a centre: "SOS élève non certifiable", a profile collection where the teacher sees who
is certifiable, and the "rentrée" diagnostic over the 16 competences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from campaigns import use_cases
from campaigns.dashboard import dashboard
from campaigns.models import TargetProfileRow
from certification import sos
from certification.errors import StaffRefusal
from content_bank.loader import default_referential
from engine.campaigns.participation import CampaignType
from learning.models import KnowledgeElementRow
from tests.certification.school import make_school

REFERENTIAL = default_referential()
AT = datetime(2026, 4, 1, tzinfo=UTC)


def _give_level_one(db: Session, account_id: int, code: str) -> None:
    for skill in (s for s in REFERENTIAL.skills.values() if s.competence_code == code and s.level == 1):
        db.add(KnowledgeElementRow(account_id=account_id, skill_name=skill.name, competence_code=code,
                                   status="validated", source="direct", earned_pix=8.0, created_at=AT,
                                   assessment_id="a", challenge_id="c"))


def test_sos_is_a_profile_collection_where_the_teacher_sees_who_is_certifiable(sessions_: sessionmaker[Session]
                                                                              ) -> None:
    """The seeds' "campagne de collecte de profils": no test of its own, pupils send their profile (again after
    progressing), the dashboard says who is certifiable and how many competences each still misses."""
    codes = list(REFERENTIAL.competences)
    ids = iter(f"sos-{i}" for i in range(100))
    with sessions_.begin() as db:
        school = make_school(db)
        lea, hugo, _ines = school.pupils
        for code in codes[:5]:
            _give_level_one(db, lea, code)  # certifiable
        for code in codes[:2]:
            _give_level_one(db, hugo, code)  # 3 competences missing
        db.flush()
        campaign = sos.create_sos_campaign(db, REFERENTIAL, school.centre_id, school.teacher, AT)
        assert (campaign.name, campaign.type, campaign.multiple_sendings) == (
            sos.SOS_NAME, CampaignType.PROFILES_COLLECTION, True)
        assert campaign.target_profile_id is None
        assert sos.sos_campaign_of(db, school.centre_id).code == campaign.code
        # the pupils join with the code and send their profile: nothing to take first
        found = use_cases.find_by_code(db, campaign.code.lower())
        for pupil in (lea, hugo):
            row = use_cases.join(db, found, pupil, now=AT, new_id=lambda: next(ids))
            assert row.status == "completed"
            use_cases.share(db, REFERENTIAL, pupil, row.id, now=AT)
        board = dashboard(db, REFERENTIAL, use_cases.campaign_for_teacher(db, school.teacher, campaign.id))
        by_pupil = {r.account_id: r.results for r in board.participants}
        assert by_pupil[lea].certifiable and by_pupil[lea].missing_competences == 0
        assert not by_pupil[hugo].certifiable and by_pupil[hugo].missing_competences == 3
        assert "Petit" in " ".join(board.not_started)  # Inès has not sent hers: listed from the class
        # Hugo progresses and sends again 4 days later: the dashboard sees him certifiable
        for code in codes[2:5]:
            _give_level_one(db, hugo, code)
        later = AT + timedelta(days=4)
        again = use_cases.retry(db, hugo, by_pupil_id(board, hugo), now=later, new_id=lambda: next(ids))
        use_cases.share(db, REFERENTIAL, hugo, again.id, now=later)
        board = dashboard(db, REFERENTIAL, campaign)
        assert {r.account_id: r.results.certifiable for r in board.participants if r.results} == {lea: True, hugo: True}


def by_pupil_id(board, account_id: int) -> str:  # type: ignore[no-untyped-def]
    return next(r.participation_id for r in board.participants if r.account_id == account_id)


def test_rentree_template_covers_the_16_competences(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        campaign = sos.create_rentree_campaign(db, REFERENTIAL, school.centre_id, school.head, AT)
        assert sos.sos_campaign_of(db, school.centre_id) is None
        profile = db.get(TargetProfileRow, campaign.target_profile_id)
        assert len({REFERENTIAL.skills[n].competence_code for n in profile.skills}) == 16
        assert campaign.name == sos.RENTREE_NAME


def test_a_pupil_cannot_create_them(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        with pytest.raises(StaffRefusal) as refused:
            sos.create_sos_campaign(db, REFERENTIAL, school.centre_id, school.pupils[0], AT)
        assert refused.value.status == 404
