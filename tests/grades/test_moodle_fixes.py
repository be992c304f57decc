"""Regression tests of what a real Moodle 4.3 showed (issue 21), on the repository's AGS platform:
instructors are not graded, results obtained before a column was known reach it, one course per platform and
context across deployments, the launch's language in the picker, refusals and gradebook comments, the teacher
view of a campaign activity, the favicon, and the cookie-check page's test cookie."""

from __future__ import annotations

import html
from typing import Any

import pytest
from sqlalchemy import func, select

from core.courses import Course
from lti_tool.routes import launch as lti_routes
from tests.grades.conftest import World, scorecards
from tests.lti.platform import INSTRUCTOR, LTI

PRESENTATION = LTI + "launch_presentation"


def _link(link_id: str, custom: dict[str, str] | None = None, locale: str | None = None) -> Any:
    def mutate(claims: dict[str, Any]) -> None:
        claims[LTI + "resource_link"]["id"] = link_id
        if custom is not None:
            claims[LTI + "custom"] = custom
        if locale is not None:
            claims[PRESENTATION] = {"locale": locale, "document_target": "iframe"}
    return mutate


def test_an_instructor_trying_the_test_gets_no_score_sent(world: World) -> None:
    lineitem = world.platform.add_line_item("1.1", 6)
    world.platform.enrol("prof-1", roles=[INSTRUCTOR])
    teacher = world.launch("prof-1", roles=[INSTRUCTOR], lineitem=lineitem)
    world.finish(teacher, {"1.1": 27})
    # Moodle answers 400 to a teacher's score: it would stay dead-lettered
    assert [i.kind for i in world.outbox()] == ["roster"]
    world.drain()
    assert world.platform.score_posts == 0


def test_a_result_obtained_before_the_first_launch_is_sent_at_that_launch(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lti_routes, "current_scorecards", lambda session, account_id: scorecards({"1.1": 27}))
    lineitem = world.platform.add_line_item("1.1", 6)
    world.platform.enrol("eleve-1")
    assert world.tool.launch(sub="eleve-1", lineitem=lineitem).status_code == 303
    (item,) = world.outbox()
    assert item.payload["score"]["scoreGiven"] == 3.0
    world.drain()
    assert world.platform.grade(lineitem, "eleve-1").comment == "Niveau 3 — 27 pix"
    assert world.tool.launch(sub="eleve-1", lineitem=lineitem).status_code == 303
    assert len(world.outbox()) == 1  # a second launch sends nothing again


def test_a_column_added_after_the_class_worked_receives_the_existing_results(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lti_routes, "current_scorecards", lambda session, account_id: scorecards({"2.1": 16}))
    world.platform.enrol("eleve-1")
    # the student worked from another activity of the course, with no column
    assert world.tool.launch(mutate=_link("rl-other", {"profile": "complet"}), sub="eleve-1",
                             offer_ags=False).status_code == 303
    assert world.outbox() == []
    lineitem = world.platform.add_line_item("2.1", 48)
    assert world.tool.launch(mutate=_link("rl-new", {"competence": "2.1", "scale": "pix"}), sub="prof-1",
                             roles=[INSTRUCTOR], lineitem=lineitem, offer_nrps=False).status_code == 303
    scores = [i for i in world.outbox() if i.kind == "score"]
    assert [i.payload["score"]["userId"] for i in scores] == ["eleve-1"]
    world.drain()
    grade = world.platform.grade(lineitem, "eleve-1")
    assert (grade.score_given, grade.comment) == (16.0, "Niveau 2 — 16 pix")
    assert world.tool.launch(mutate=_link("rl-new", {"competence": "2.1", "scale": "pix"}), sub="prof-1",
                             roles=[INSTRUCTOR], lineitem=lineitem, offer_nrps=False).status_code == 303
    assert len([i for i in world.outbox() if i.kind == "score"]) == 1


def test_the_same_context_through_two_deployments_is_one_course(world: World) -> None:
    world.tool.register(world.platform, deployments=[world.platform.deployment_id, "dep-2"])

    def second(claims: dict[str, Any]) -> None:
        claims[LTI + "deployment_id"] = "dep-2"

    assert world.tool.launch(sub="prof-1", roles=[INSTRUCTOR]).status_code == 303
    assert world.tool.launch(mutate=second, sub="prof-1", roles=[INSTRUCTOR]).status_code == 303
    with world.sessions()() as session:
        assert session.scalar(select(func.count()).select_from(Course)
                              .where(Course.issuer == world.platform.issuer)) == 1


def test_gradebook_comments_are_english_after_an_english_launch(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    lineitem = world.platform.add_line_item("1.1", 6)
    world.platform.enrol("eleve-1")
    assert world.tool.launch(mutate=_link("rl-1", locale="en"), sub="eleve-1", lineitem=lineitem).status_code == 303
    world.finish(world.outbox_account("eleve-1"), {"1.1": 27})
    world.drain()
    assert world.platform.grade(lineitem, "eleve-1").comment == "Level 3 — 27 pix"


def _deep_linking(locale: str) -> Any:
    def mutate(claims: dict[str, Any]) -> None:
        claims[PRESENTATION] = {"locale": locale}
    return mutate


def test_the_picker_and_its_refusals_follow_an_english_launch(world: World) -> None:
    tool = world.tool
    query = tool.login()
    claims = tool.platform.claims(query["nonce"], sub="prof-1", roles=[INSTRUCTOR],
                                  message_type="LtiDeepLinkingRequest")
    _deep_linking("en-GB")(claims)
    response = tool.post_launch(tool.platform.sign(claims), query["state"])
    assert response.status_code == 303
    page = tool.client.get(response.headers["location"])
    text = html.unescape(page.text)
    assert '<html lang="en">' in text and "Add a Pix activity" in text and "Whole profile" in text
    assert "percentage of the profile's 768 pix, out of 100" in text
    launch_id = response.headers["location"].split("/lti/selection/")[1].split("?")[0]
    forged = tool.client.post(f"/lti/selection/{launch_id}", data={"csrf": "forged", "item": "profile"})
    assert forged.status_code == 403
    assert "Launch refused" in forged.text and "security token" in forged.text


def test_a_refused_english_launch_is_refused_in_english(world: World) -> None:
    tool = world.tool
    query = tool.login()
    claims = tool.platform.claims(query["nonce"])
    claims[PRESENTATION] = {"locale": "en"}
    tool.client.cookies.clear()  # the iframe refused the state cookie
    response = tool.post_launch(tool.platform.sign(claims), query["state"])
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert '<html lang="en">' in text and "Launch refused" in text and "Code: cookies_blocked" in text
    assert "Open the activity in a new window" in text
    # the tool is served over plain HTTP here: the page says a cross-site tool needs HTTPS
    assert 'id="https-requis"' in text and "must be served over HTTPS" in text


def test_the_cookie_check_page_deletes_its_partitioned_test_cookie_and_follows_the_browser(world: World) -> None:
    tool = world.tool
    params = {"iss": tool.platform.issuer, "login_hint": "h", "target_link_uri": "http://localhost/lti/launch",
              "client_id": tool.platform.client_id, "lti_deployment_id": tool.platform.deployment_id}
    page = tool.client.get("/lti/login", params=params, follow_redirects=False,
                           headers={"sec-fetch-dest": "iframe", "accept-language": "en-US,en;q=0.8"}).text
    # the script is a static file (strict CSP): it deletes the test cookie with the attributes it was set with
    # (pylti1p3's delete, without Partitioned, never matches)
    assert '<script src="/static/outil/cookies.js"></script>' in page and "<script>" not in page
    script = tool.client.get("/static/outil/cookies.js").text
    assert 'document.cookie = cookie + "; expires=Thu, 01-Jan-1970 00:00:01 GMT" + attributes;' in script
    assert '"lti1p3_test_cookie=1; expires' not in script
    assert '<html lang="en">' in page and "Open the activity in a new window." in page
    assert "<title>Pix LTI — opening the activity</title>" in page


def test_the_favicon_is_served(world: World) -> None:
    response = world.tool.client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg")
