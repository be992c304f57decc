"""What teachers and administrators see of a linked learner: the "compte relié" badge on the campaign dashboard of
the Moodle course and on the GAR class page; the admin page that lists links and undoes one (each account gets back
what it had before the link, the audit log says who did it). Its own module: a fresh PostgreSQL schema."""

from __future__ import annotations

import random
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from admin import accounts
from campaigns.service import CampaignService
from campaigns.use_cases import CampaignDraft
from content_bank.loader import default_referential
from core.audit import AuditEntry
from core.courses import Course
from core.links import AccountLink
from engine.campaigns.participation import CampaignType
from learning.models import AssessmentRow
from learning.use_cases import LearningService
from linking.use_cases import link_accounts
from tests.account_linking.test_scenario import IDO, PUPIL, _csrf, _gar_account, _scores
from tests.campaign_use_cases.test_scenario import take_test
from tests.gar.conftest import IDO_TEACHER, Gar, student, teacher
from tests.grades.conftest import World
from tests.lti.platform import INSTRUCTOR, LTI

REF = default_referential()


def test_teachers_see_the_linked_badge_and_an_admin_lists_and_undoes_the_link(
        both_doors: tuple[World, Gar]) -> None:
    world, gar = both_doors
    world.platform.enrol("prof-1", roles=[INSTRUCTOR], graded=False)
    world.platform.enrol(PUPIL)
    response = world.tool.launch(sub="prof-1", roles=[INSTRUCTOR])
    prof_lt = parse_qs(urlsplit(response.headers["location"]).query)["lt"][0]
    prof = world.outbox_account("prof-1")
    with world.sessions()() as session:
        course = session.scalar(select(Course.id).where(Course.issuer == world.platform.issuer))
    learning = LearningService(world.sessions(), REF, clock=world.clock)
    campaigns = CampaignService(world.sessions(), REF, clock=world.clock, rng=random.Random(5))
    campaign = campaigns.create(prof, f"course:{course}",
                                CampaignDraft("Recherche", CampaignType.ASSESSMENT, ("rechercheUrl",)))
    # the course's graded activity measures this campaign; the pupil opens it from Moodle
    lineitem = world.platform.add_line_item("Parcours", 100)

    def campaign_activity(claims: dict[str, Any]) -> None:
        claims[LTI + "custom"] = {"campaign": campaign.code}

    assert world.tool.launch(campaign_activity, sub=PUPIL, lineitem=lineitem).status_code == 303
    lti = world.outbox_account(PUPIL)
    assert gar.sign_in(student(IDO=[IDO])).status_code == 303
    ent = _gar_account(gar)
    participation = campaigns.join(ent, campaign.code)  # the pupil took the course's campaign from the ENT
    take_test(learning, campaigns, ent, participation, right=True)
    campaigns.share(ent, participation)
    board = world.tool.client.get(f"/campagnes/{campaign.id}", params={"lt": prof_lt})
    assert board.status_code == 200 and "data-linked" not in board.text
    mastery = campaigns.view(ent, participation).result.mastery_percent
    assert _scores(world, lti) == []  # shared from the ENT: nothing for the Moodle activity yet
    with world.sessions().begin() as session:
        link_accounts(session, REF, lti, ent, method="code", actor="test", now=world.clock())
    assert _scores(world, lti) == [mastery / 100]  # the shared result reaches the course's gradebook

    board = world.tool.client.get(f"/campagnes/{campaign.id}", params={"lt": prof_lt})
    row = re.search(rf'<tr data-participant="{lti}">.*?</tr>', board.text, re.S)
    assert row is not None and "compte relié" in row.group(0)  # the ENT participation, now on the profile account
    assert campaigns.dashboard(prof, campaign.id).participants[0].linked

    # the GAR class page of the school's teacher
    gar.sign_in(teacher(IDO=[IDO_TEACHER]))
    classes = gar.client.get("/gar/classes")
    assert classes.status_code == 200
    assert re.search(r"<li>[^<]*<span class=\"tag\" data-linked>compte relié</span></li>", classes.text)

    # the administrator lists links and undoes this one
    with world.sessions()() as session:
        accounts.create_account(session, "alice", "correct horse battery staple", "test")
    form = world.tool.client.get("/admin/login")
    world.tool.client.post("/admin/login", data={"csrf": _csrf(form.text), "username": "alice",
                                                 "password": "correct horse battery staple"})
    listed = world.tool.client.get("/admin/liaisons")
    assert listed.status_code == 200
    assert f"n° {lti} ({world.platform.issuer})" in listed.text and f"n° {ent} (ENT (GAR))" in listed.text
    with world.sessions()() as session:
        moved = session.scalar(select(func.count()).select_from(AssessmentRow).where(AssessmentRow.account_id == lti))
    assert moved == 1
    forged = world.tool.client.post(f"/admin/liaisons/{ent}/defaire", data={"csrf": "forged"},
                                    follow_redirects=False)
    assert forged.status_code == 403
    undone = world.tool.client.post(f"/admin/liaisons/{ent}/defaire", data={"csrf": _csrf(listed.text)},
                                    follow_redirects=False)
    assert undone.status_code == 303 and undone.headers["location"] == "/admin/liaisons?ok=unlinked"
    assert world.tool.client.post(f"/admin/liaisons/{ent}/defaire", data={"csrf": _csrf(listed.text)},
                                  follow_redirects=False).status_code == 404
    with world.sessions()() as session:
        assert session.scalar(select(func.count()).select_from(AccountLink)) == 0
        assert session.scalar(select(func.count()).select_from(AssessmentRow).where(
            AssessmentRow.account_id == ent)) == 1
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "account.unlink")).one()
        assert entry.actor == "admin:alice" and entry.details["linked_account"] == ent
    assert [p for p, _ in campaigns.mine(ent)] == [participation] and campaigns.mine(lti) == []
