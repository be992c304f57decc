"""Issue 17's scenario: a pupil has an LTI account (a Moodle course with a graded activity on competence 1.1) and
a GAR account, both with results. From the course, "Relier mon compte ENT" opens the GAR login in a new window;
after the SAML login the GAR side confirms. Checked: the merged profile (one profile through both doors), the
gradebook score sent after the merge (an outbox row, delivered), the admin's unlink, and the export and erasure
of the linked learner. `test_code_flow.py` links the other way round."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import func, select

from content_bank.loader import default_referential
from core.accounts import Account
from core.audit import AuditEntry
from core.links import AccountLink
from core.schools import GAR_ISSUER
from learning.models import AssessmentRow
from learning.use_cases import LearningService
from lti_tool.grades.models import KIND_SCORE, OutboxItem
from privacy.use_cases import erase_people, export_people
from tests.gar.conftest import BASE, Gar, student
from tests.grades.conftest import World
from tests.learning_use_cases.test_use_cases import _finish

REF = default_referential()
NOW = datetime.now(UTC)
PUPIL = "camille-lms"
IDO = "c7" * 64


def _lti_session(world: World, lineitem: str) -> tuple[int, str]:
    """The pupil launches the graded activity: (account id, the `lt` token of the session)."""
    response = world.tool.launch(sub=PUPIL, lineitem=lineitem)
    assert response.status_code == 303, response.text
    token = parse_qs(urlsplit(response.headers["location"]).query)["lt"][0]
    return world.outbox_account(PUPIL), token


def _gar_account(gar: Gar) -> int:
    with gar.sessions() as session:
        return session.scalar(select(Account.id).where(Account.issuer == GAR_ISSUER, Account.sub == IDO))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _scores(world: World, account_id: int) -> list[float]:
    with world.sessions()() as session:
        return list(session.scalars(select(OutboxItem.score_value).where(
            OutboxItem.kind == KIND_SCORE, OutboxItem.account_id == account_id).order_by(OutboxItem.id)))


def _gar_login(gar: Gar, login_url: str) -> httpx.Response:
    """The new window: GET the tool's GAR login, the médiacentre signs the pupil in, the ACS answers."""
    response = gar.client.get(login_url, follow_redirects=False)
    assert response.status_code == 302, response.text
    request_id, acs, relay = gar.idp.read_request(response.headers["location"])
    xml = gar.idp.response_xml(request_id, acs, BASE + "/gar/metadata", student(IDO=[IDO]))
    return gar.post(xml, relay)


def test_an_lti_and_a_gar_account_with_results_are_linked_into_one_profile_graded_exported_and_erased(
        both_doors: tuple[World, Gar]) -> None:
    world, gar = both_doors
    lineitem = world.platform.add_line_item("1.1", 6)
    world.platform.enrol(PUPIL)
    lti, lt = _lti_session(world, lineitem)
    learning = LearningService(world.sessions(), REF, clock=world.clock)
    # from Moodle, the pupil fails 1.1; the gradebook gets level 0
    _finish(learning, lti, learning.start(lti, "1.1").assessment.id, right=False)
    assert _scores(world, lti) == [0.0]
    # later, from the ENT, the same pupil succeeds in 1.1 and starts 2.1 (no gradebook there)
    assert gar.sign_in(student(IDO=[IDO])).status_code == 303
    ent = _gar_account(gar)
    world.clock.advance(60)
    _finish(learning, ent, learning.start(ent, "1.1").assessment.id, right=True)
    learning.start(ent, "2.1")
    ent_level = learning.profile(ent).scorecard("1.1").level
    assert ent_level >= 1 and learning.profile(lti).scorecard("1.1").level == 0
    with world.sessions()() as session:
        tests_before = session.scalar(select(func.count()).select_from(AssessmentRow))

    # "Relier mon compte ENT" from the course
    page = world.tool.client.get("/compte/liaison", params={"lt": lt})
    assert page.status_code == 200 and "Relier mon compte ENT" in page.text
    started = world.tool.client.post("/compte/liaison/ent", params={"lt": lt}, data={"csrf": _csrf(page.text)})
    assert started.status_code == 200
    login_url = re.search(r'id="connexion-ent" href="([^"]+)" target="_blank"', started.text).group(1)
    login_url = login_url.replace("&amp;", "&")
    arrived = _gar_login(gar, login_url)
    assert arrived.status_code == 303
    confirm_path = arrived.headers["location"]
    assert confirm_path.startswith("/gar/liaison/")
    confirm = gar.client.get(confirm_path)
    assert confirm.status_code == 200 and world.platform.issuer in confirm.text
    assert "Confirmer la liaison" in confirm.text
    done = gar.client.post(confirm_path, data={"csrf": _csrf(confirm.text)})
    assert done.status_code == 200 and 'id="liaison-faite"' in done.text
    # the ticket was used once
    assert gar.client.post(confirm_path, data={"csrf": _csrf(confirm.text)}).status_code == 404

    # one profile through both doors: the ENT's success (more recent) wins on 1.1, 2.1 is in progress
    merged = learning.profile(lti)
    assert merged == learning.profile(ent)
    assert merged.scorecard("1.1").level == ent_level
    assert str(merged.scorecard("2.1").status) == "started"
    with world.sessions()() as session:
        assert session.scalar(select(func.count()).select_from(AssessmentRow)) == tests_before  # nothing lost
        link = session.scalars(select(AccountLink)).one()
        assert (link.profile_account_id, link.account_id, link.method) == (lti, ent, "gar-login")
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "account.link")) == 1
    linked_page = world.tool.client.get("/compte/liaison", params={"lt": lt})
    assert 'id="comptes-relies"' in linked_page.text and "ENT (GAR)" in linked_page.text

    # the gradebook gets the merged profile's score, sent after the merge
    assert _scores(world, lti) == [0.0, ent_level / 6]
    world.drain()
    assert world.platform.grade(lineitem, PUPIL).score_given == ent_level

    store = world.tool.client.app.state.tool.store
    exported = export_people(world.sessions(), store, [ent], "test", NOW)
    assert exported is not None and exported["comptes"] == sorted([lti, ent])
    titles = [s["table"] for s in exported["sections"]]
    assert "account_links" in titles and "assessments" in titles

    erased = erase_people(world.sessions(), store, [lti], "test", NOW)
    assert erased is not None and erased.account_ids == tuple(sorted([lti, ent]))
    with world.sessions()() as session:
        assert session.scalar(select(func.count()).select_from(Account).where(Account.id.in_([lti, ent]))) == 0
        assert session.scalar(select(func.count()).select_from(AssessmentRow)) == 0
        assert session.scalar(select(func.count()).select_from(AccountLink)) == 0
