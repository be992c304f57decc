"""School campaigns (GAR): staff of the school see them, with class/group filters and who has not started."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from campaigns.service import CampaignService
from campaigns.use_cases import CampaignAccess, CampaignDraft
from core.accounts import Account
from core.schools import GarGroup, GarGroupMember, GarProfile, GarSchool, GarSchoolMember
from engine.campaigns.participation import CampaignError, CampaignType

UAI, OTHER_UAI = "0750001A", "0690002B"


def seed_school(sessions: sessionmaker[Session]) -> dict[str, int]:
    ids: dict[str, int] = {}
    with sessions.begin() as session:
        school, other = GarSchool(uai=UAI), GarSchool(uai=OTHER_UAI)
        session.add_all([school, other])
        session.flush()
        seconde_a = GarGroup(school_id=school.id, kind="class", code="2A", label="2nde A")
        seconde_b = GarGroup(school_id=school.id, kind="class", code="2B", label="2nde B")
        latin = GarGroup(school_id=school.id, kind="group", code="LAT", label="Latin")
        session.add_all([seconde_a, seconde_b, latin])
        session.flush()
        ids.update(a=seconde_a.id, b=seconde_b.id, latin=latin.id)
        people = {"prof": ("teacher", school, ()), "stranger": ("teacher", other, ()),
                  "eve": ("student", school, (seconde_a, latin)), "zoe": ("student", school, (seconde_a,)),
                  "max": ("student", school, (seconde_b,))}
        for sub, (role, where, groups) in people.items():
            account = Account(issuer="urn:gar", sub=sub, given_name=sub.capitalize(), family_name="Élève")
            session.add(account)
            session.flush()
            ids[sub] = account.id
            session.add(GarProfile(account_id=account.id, role=role, profile_code="X", school_id=where.id))
            session.add(GarSchoolMember(school_id=where.id, account_id=account.id))
            session.add_all(GarGroupMember(group_id=g.id, account_id=account.id) for g in groups)
    return ids


def test_school_staff_create_and_follow_with_class_filters(sessions, service: CampaignService) -> None:
    ids = seed_school(sessions)
    choices = service.organisation_choices(ids["prof"], None)
    assert [c.key for c in choices] == [f"school:{UAI}"]
    assert service.organisation_choices(ids["eve"], None) == []  # a student is staff nowhere
    campaign = service.create(ids["prof"], f"school:{UAI}", CampaignDraft("Profils", CampaignType.PROFILES_COLLECTION))
    with pytest.raises(CampaignError) as forged:
        service.create(ids["stranger"], f"school:{UAI}", CampaignDraft("x", CampaignType.PROFILES_COLLECTION))
    assert forged.value.code == CampaignAccess.FORBIDDEN
    with pytest.raises(CampaignError) as hidden:
        service.dashboard(ids["stranger"], campaign.id)
    assert hidden.value.code == CampaignAccess.FORBIDDEN
    with pytest.raises(CampaignError):
        service.dashboard(ids["eve"], campaign.id)
    assert [(c.id, name) for c, name in service.campaigns(ids["prof"])] == [(campaign.id, f"Établissement {UAI}")]
    assert service.campaigns(ids["stranger"]) == []

    eve = service.join(ids["eve"], campaign.code)
    service.share(ids["eve"], eve)
    service.join(ids["max"], campaign.code)

    board = service.dashboard(ids["prof"], campaign.id)
    assert [g.label for g in board.groups] == ["2nde A", "2nde B", "Latin"]
    assert [(p.given_name, p.groups) for p in board.participants] == [("Eve", ("2nde A", "Latin")),
                                                                       ("Max", ("2nde B",))]
    assert board.not_started == ("Zoe Élève",) and board.roster_known
    only_a = service.dashboard(ids["prof"], campaign.id, group_id=ids["a"])
    assert [p.given_name for p in only_a.participants] == ["Eve"] and only_a.not_started == ("Zoe Élève",)
    only_b = service.dashboard(ids["prof"], campaign.id, group_id=ids["b"])
    assert [p.given_name for p in only_b.participants] == ["Max"] and only_b.not_started == ()
    _, data = service.export(ids["prof"], campaign.id, group_id=ids["latin"])
    lines = data.decode("utf-8-sig").split("\r\n")
    assert len(lines) == 3 and lines[1].startswith("Élève;Eve;2nde A, Latin;") and lines[2] == ""
