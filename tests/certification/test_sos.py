"""One-click campaigns of a centre: "SOS élève non certifiable" over the competences its non-certifiable pupils
most lack (easy levels), and the "rentrée" diagnostic over the 16 competences."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from campaigns.models import TargetProfileRow
from certification import sos
from certification.errors import StaffRefusal
from content_bank.loader import default_referential
from learning.models import KnowledgeElementRow
from tests.certification.school import make_school

REFERENTIAL = default_referential()
AT = datetime(2026, 4, 1, tzinfo=UTC)


def _give_level_one(db: Session, account_id: int, code: str) -> None:
    for skill in (s for s in REFERENTIAL.skills.values() if s.competence_code == code and s.level == 1):
        db.add(KnowledgeElementRow(account_id=account_id, skill_name=skill.name, competence_code=code,
                                   status="validated", source="direct", earned_pix=8.0, created_at=AT,
                                   assessment_id="a", challenge_id="c"))


def test_sos_aims_at_the_competences_the_pupils_most_lack(sessions_: sessionmaker[Session]) -> None:
    codes = list(REFERENTIAL.competences)
    with sessions_.begin() as db:
        school = make_school(db)
        # every pupil has a level in the 2nd to 4th competences: those are lacked by nobody
        for pupil in school.pupils:
            for code in codes[1:4]:
                _give_level_one(db, pupil, code)
        db.flush()
        lacking = sos.most_lacking_competences(db, REFERENTIAL, school.pupils, AT)
        assert lacking == [codes[0], *codes[4:8]]
        campaign = sos.create_sos_campaign(db, REFERENTIAL, school.centre_id, school.teacher, AT)
        assert (campaign.name, campaign.type, campaign.multiple_sendings) == (sos.SOS_NAME, "assessment", True)
        profile = db.get(TargetProfileRow, campaign.target_profile_id)
        skills = [REFERENTIAL.skills[name] for name in profile.skills]
        assert {s.competence_code for s in skills} == set(lacking)
        assert max(s.level for s in skills) == sos.SOS_MAX_LEVEL


def test_rentree_template_covers_the_16_competences(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        campaign = sos.create_rentree_campaign(db, REFERENTIAL, school.centre_id, school.head, AT)
        profile = db.get(TargetProfileRow, campaign.target_profile_id)
        assert len({REFERENTIAL.skills[n].competence_code for n in profile.skills}) == 16
        assert campaign.name == sos.RENTREE_NAME


def test_a_pupil_cannot_create_them(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        with pytest.raises(StaffRefusal) as refused:
            sos.create_sos_campaign(db, REFERENTIAL, school.centre_id, school.pupils[0], AT)
        assert refused.value.status == 404
