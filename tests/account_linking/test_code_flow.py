"""Linking the other way round: a code shown on the GAR side (10 characters, 15 minutes) is typed in the Moodle
course; five wrong codes make typing wait; a code links once. Its own module: the PostgreSQL schema is fresh per
module."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from content_bank.loader import default_referential
from core.accounts import Account
from core.links import AccountLink
from core.schools import GAR_ISSUER
from learning.use_cases import LearningService
from linking.use_cases import link_accounts
from tests.account_linking.test_scenario import IDO, PUPIL, _csrf, _gar_account, _lti_session, _scores
from tests.gar.conftest import Gar, student
from tests.grades.conftest import World
from tests.learning_use_cases.test_use_cases import _finish
from tests.lti.platform import LTI

REF = default_referential()


def test_a_code_shown_on_the_gar_side_and_typed_in_the_course_links_and_wrong_codes_are_limited(
        both_doors: tuple[World, Gar]) -> None:
    world, gar = both_doors
    lineitem = world.platform.add_line_item("1.1", 6)
    world.platform.enrol(PUPIL)
    lti, lt = _lti_session(world, lineitem)
    assert gar.sign_in(student(IDO=[IDO])).status_code == 303
    ent = _gar_account(gar)
    ent_page = gar.client.get("/compte/liaison")
    assert ent_page.status_code == 200 and "Relier mon compte ENT" not in ent_page.text
    shown = gar.client.post("/compte/liaison/code", data={"csrf": _csrf(ent_page.text)})
    code = re.search(r'id="code-liaison">([A-Z0-9-]+)<', shown.text).group(1)
    assert len(code.replace("-", "")) == 10

    page = world.tool.client.get("/compte/liaison", params={"lt": lt})
    csrf = _csrf(page.text)
    for _ in range(5):
        wrong = world.tool.client.post("/compte/liaison/saisie", params={"lt": lt},
                                       data={"csrf": csrf, "code": "AAAAA-AAAAA"})
        assert wrong.status_code == 400
    refused = world.tool.client.post("/compte/liaison/saisie", params={"lt": lt}, data={"csrf": csrf, "code": code})
    assert refused.status_code == 429  # five wrong codes: even the right one waits
    with world.sessions()() as session:
        assert session.scalar(select(func.count()).select_from(AccountLink)) == 0

    # the pupil's code is still valid: typed (in lower case, with spaces) once the limit is lifted
    _lift_wrong_code_limit(world, lti)
    typed = code.lower().replace("-", " ")
    linked = world.tool.client.post("/compte/liaison/saisie", params={"lt": lt}, data={"csrf": csrf, "code": typed})
    assert linked.status_code == 200 and 'id="liaison-faite"' in linked.text
    with world.sessions()() as session:
        link = session.scalars(select(AccountLink)).one()
        assert (link.profile_account_id, link.account_id, link.method) == (lti, ent, "code")
    # a code links once
    again = world.tool.client.post("/compte/liaison/saisie", params={"lt": lt}, data={"csrf": csrf, "code": code})
    assert again.status_code == 400


def _lift_wrong_code_limit(world: World, account_id: int) -> None:
    store = world.tool.client.app.state.tool.store
    for slot in range(5):
        store.delete_sync(f"link:wrong:{account_id}:{slot}")


def test_a_linked_lti_account_opening_a_new_graded_activity_gets_the_profile_s_result_at_first_launch(
        both_doors: tuple[World, Gar]) -> None:
    """The GAR account is the older one (it keeps the profile): the LTI account's first launch of a new activity
    sends the merged profile's result, not the empty one of the LTI account itself."""
    world, gar = both_doors
    ido, sub = "d8" * 64, "dylan-lms"
    assert gar.sign_in(student(IDO=[ido])).status_code == 303
    with world.sessions()() as session:
        ent = session.scalar(select(Account.id).where(Account.issuer == GAR_ISSUER, Account.sub == ido))
    learning = LearningService(world.sessions(), REF, clock=world.clock)
    _finish(learning, ent, learning.start(ent, "2.1").assessment.id, right=True)
    level = learning.profile(ent).scorecard("2.1").level
    assert level >= 1
    world.clock.advance(60)
    world.platform.enrol(sub)
    lti = world.launch(sub)  # the course's first activity (competence 1.1, no gradebook column)
    with world.sessions().begin() as session:
        linked = link_accounts(session, REF, lti, ent, method="code", actor="test", now=world.clock())
    assert linked.profile_account_id == ent
    lineitem = world.platform.add_line_item("2.1", 6, resource_link_id="rl-21")

    def new_activity(claims: dict[str, Any]) -> None:
        claims[LTI + "resource_link"]["id"] = "rl-21"
        claims[LTI + "custom"] = {"competence": "2.1"}

    assert world.tool.launch(new_activity, sub=sub, lineitem=lineitem).status_code == 303
    assert _scores(world, lti)[-1] == level / 6
