"""Campaigns in Moodle: the teacher picks (or creates) a campaign of the course in the deep-linking picker, the
platform creates the activity and its grade column from the signed response, students launched into it join the
campaign, take its test and, only when they send their results, get their mastery % in the gradebook."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlalchemy import select

from campaigns.models import ParticipationRow
from campaigns.service import CampaignService
from campaigns.use_cases import CampaignDraft
from content_bank.loader import default_referential
from engine.campaigns.participation import CampaignType
from learning.use_cases import LearningService
from lti_tool.grades.hooks import campaign_results_shared
from lti_tool.grades.models import KIND_SCORE, OutboxItem
from lti_tool.grades.scores import campaign_score
from tests.campaign_use_cases.test_scenario import take_test
from tests.grades.conftest import World
from tests.grades.test_deep_linking import DEEP, _verify
from tests.learning_use_cases.answers import right_answer
from tests.lti.platform import DL, INSTRUCTOR, LTI
from tests.student_web.helpers import answer_fields
from web.campaign_routes import return_path

REF = default_referential()
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Browser:
    """One launched user browsing cookie-less with the launch's `lt` token."""

    def __init__(self, world: World, sub: str, *, teacher: bool = False, context: str = "course-42",
                 deep_linking: bool = False, custom: dict[str, str] | None = None, lineitem: str | None = None) -> None:
        def mutate(claims: dict[str, Any]) -> None:
            claims[LTI + "context"]["id"] = context
            if custom is not None:
                claims[LTI + "custom"] = custom
            if deep_linking:
                claims[DL + "deep_linking_settings"]["data"] = "moodle-opaque-7"

        extra: dict[str, Any] = {"message_type": DEEP, "offer_ags": False} if deep_linking else {}
        if lineitem:
            extra["lineitem"] = lineitem
        response = world.tool.launch(mutate, sub=sub, roles=[INSTRUCTOR] if teacher else None, **extra)
        assert response.status_code == 303, response.text
        self.landing = response.headers["location"]
        self.lt = parse_qs(urlparse(self.landing).query)["lt"][0]
        self.client = world.tool.client
        self.client.cookies.clear()  # the `lt` token only

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.client.get(path, params={**params, "lt": self.lt}, follow_redirects=False)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf_from: str = "/campagnes/rejoindre"
             ) -> httpx.Response:
        token = CSRF.search(self.get(csrf_from).text)
        assert token
        return self.client.post(path, params={"lt": self.lt}, data={"csrf": token.group(1), **(data or {})},
                                follow_redirects=False)


def _scores(world: World) -> list[OutboxItem]:
    """The scores in the outbox (a launch also enqueues roster refreshes from NRPS)."""
    return [i for i in world.outbox() if i.kind == KIND_SCORE]


def _path(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    return urlparse(response.headers["location"]).path


def _create(teacher: Browser, name: str, **extra: str) -> str:
    """Create an assessment campaign from the creation page; returns where the page sent the teacher."""
    form = teacher.get("/campagnes/nouveau", **extra)
    assert form.status_code == 200, form.text
    organisation = re.search(r'<option value="(course:\d+)"', form.text)
    assert organisation
    data = {"nom": name, "type": "assessment", "sujets": ["rechercheUrl", "netiquetteEchange"],
            "organisation": organisation.group(1)}
    retour = re.search(r'name="retour" value="([^"]+)"', form.text)
    if retour:
        data["retour"] = html.unescape(retour.group(1))
    return _path(teacher.post("/campagnes/nouveau", data, csrf_from="/campagnes/nouveau"))


def _code(teacher: Browser, dashboard: str) -> str:
    code = re.search(r"data-code>([A-Z0-9]{9})<", teacher.get(dashboard).text)
    assert code
    return code.group(1)


def _picker(world: World, sub: str = "prof", context: str = "course-42") -> tuple[Browser, str, str]:
    teacher = Browser(world, sub, teacher=True, context=context, deep_linking=True)
    launch_id = re.search(r"/lti/selection/([^?]+)\?", teacher.landing).group(1)
    page = teacher.get(f"/lti/selection/{launch_id}")
    assert page.status_code == 200, page.text
    return teacher, launch_id, page.text


def _choose(world: World, teacher: Browser, launch_id: str, page: str, *items: str) -> list[dict[str, Any]]:
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = world.tool.client.post(f"/lti/selection/{launch_id}",
                                      data={"lt": teacher.lt, "csrf": csrf, "item": list(items)})
    assert response.status_code == 200, response.text
    return _verify(world, response.text)[DL + "content_items"]


def _take_test(student: Browser, participation: str, *, right: bool) -> None:
    test = _path(student.post(f"/campagnes/participations/{participation}/commencer"))
    assert test.startswith("/evaluations/")
    for _ in range(60):
        page = student.get(test)
        if page.status_code == 303:  # the test is over
            back = student.get(f"/campagnes{test}/fin")
            assert _path(back) == f"/campagnes/participations/{participation}"
            return
        challenge = REF.challenges[re.search(r'data-challenge="([^"]+)"', page.text).group(1)]
        fields: dict[str, Any] = {"challenge_id": challenge.id, "action": "skip"}
        if right:
            fields.update(answer_fields(challenge, right_answer(challenge)), action="submit")
        assert student.post(f"{test}/reponses", fields).status_code == 303
    raise AssertionError("the campaign test did not end")


def _student_in_activity(world: World, sub: str, item: dict[str, Any], lineitem: str) -> tuple[Browser, str]:
    """A student launched into the activity made from the content item, sent to the campaign's join page."""
    world.platform.enrol(sub)
    student = Browser(world, sub, custom=item["custom"], lineitem=lineitem)
    landing = student.client.get(student.landing, follow_redirects=False)
    assert _path(landing) == "/campagnes/rejoindre"
    query = parse_qs(urlparse(landing.headers["location"]).query)
    assert query["code"] == [item["custom"]["campaign"]] and query["lt"] == [student.lt]
    join_page = student.get("/campagnes/rejoindre", code=query["code"][0])
    assert join_page.status_code == 200 and "Rejoindre ce parcours" in join_page.text
    joined = student.post("/campagnes/rejoindre", {"code": query["code"][0]})
    return student, _path(joined).rsplit("/", 1)[1]


def test_the_picker_lists_the_courses_campaigns_only_and_returns_a_mastery_column(any_world: World) -> None:
    mine = Browser(any_world, "prof", teacher=True)
    code = _code(mine, _create(mine, "Recherche en 2de A"))
    other = Browser(any_world, "autre-prof", teacher=True, context="course-99")
    other_code = _code(other, _create(other, "Parcours d'un autre cours"))

    teacher, launch_id, page = _picker(any_world)
    assert f'value="campaign:{code}"' in page and "Recherche en 2de A" in page
    assert other_code not in page and "Parcours d'un autre cours" not in page
    assert "taux de maîtrise en %" in page
    _, _, elsewhere = _picker(any_world, "autre-prof", "course-99")
    assert f'value="campaign:{other_code}"' in elsewhere and code not in elsewhere

    forged = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    refused = any_world.tool.client.post(f"/lti/selection/{launch_id}", data={
        "lt": teacher.lt, "csrf": forged, "item": f"campaign:{other_code}"})
    assert refused.status_code == 400 and "pas (ou plus) un parcours de ce cours" in refused.text

    item, competence = _choose(any_world, teacher, launch_id, refused.text, f"campaign:{code}", "competence:1.1")
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["custom"] == {"campaign": code, "scale": "mastery"}
    assert item["title"] == "Pix — parcours « Recherche en 2de A »" and code in item["text"]
    assert item["lineItem"]["scoreMaximum"] == 100 and item["lineItem"]["label"].endswith("Maîtrise (%)")
    assert competence["custom"] == {"competence": "1.1", "scale": "level"}


def test_a_shared_campaign_result_reaches_the_gradebook_as_mastery_with_a_french_comment(any_world: World) -> None:
    teacher = Browser(any_world, "prof", teacher=True)
    code = _code(teacher, _create(teacher, "Recherche"))
    picker, launch_id, page = _picker(any_world)
    item, = _choose(any_world, picker, launch_id, page, f"campaign:{code}")
    # the platform creates the activity and its grade column from the content item, as Moodle does
    lineitem = any_world.platform.add_line_item(item["lineItem"]["label"], item["lineItem"]["scoreMaximum"])

    ana, participation = _student_in_activity(any_world, "ana", item, lineitem)
    _take_test(ana, participation, right=True)
    any_world.drain()
    assert any_world.platform.grade(lineitem, "ana") is None  # completed, not sent: the gradebook knows nothing
    assert _scores(any_world) == []
    _path(ana.post(f"/campagnes/participations/{participation}/envoyer", {"confirmation": "oui"}))

    with any_world.sessions()() as session:
        shared = session.scalars(select(ParticipationRow.snapshot).where(ParticipationRow.id == participation)).one()
    mastery, stage = shared["campaign"]["mastery_percent"], shared["campaign"]["stage"]
    assert mastery > 0 and stage is not None
    any_world.clock.catch_up()  # the share was stamped by the tool's wall clock, maybe seconds after the world's
    any_world.drain()
    assert [i.status for i in _scores(any_world)] == ["delivered"]
    grade = any_world.platform.grade(lineitem, "ana")
    assert (grade.score_given, grade.score_maximum) == (float(mastery), 100.0)
    assert grade.comment == f"Maîtrise {mastery} % — palier {stage['index']} sur {stage['count']}"
    assert (grade.activity_progress, grade.grading_progress) == ("Completed", "FullyGraded")


def test_a_result_that_is_not_shared_never_reaches_the_gradebook(world: World) -> None:
    teacher = Browser(world, "prof", teacher=True)
    code = _code(teacher, _create(teacher, "Recherche"))
    lineitem = world.platform.add_line_item("Parcours", 100)
    bob, participation = _student_in_activity(world, "bob", {"custom": {"campaign": code, "scale": "mastery"}},
                                              lineitem)
    _take_test(bob, participation, right=False)
    page = bob.get(f"/campagnes/participations/{participation}")
    assert 'data-status="completed"' in page.text
    world.drain()
    assert _scores(world) == [] and world.platform.grade(lineitem, "bob") is None
    assert world.platform.score_posts == 0


def test_a_campaign_created_from_the_picker_comes_back_to_it_and_can_be_chosen(world: World) -> None:
    teacher, launch_id, page = _picker(world)
    assert "Ce cours n'a pas encore de parcours" in html.unescape(page)
    create = html.unescape(re.search(r'<a [^>]*href="(/campagnes/nouveau\?[^"]+)"', page).group(1))
    query = parse_qs(urlparse(create).query)
    assert query["retour"] == [f"/lti/selection/{launch_id}"] and query["lt"] == [teacher.lt]
    back = _create(teacher, "Créé depuis la sélection", retour=query["retour"][0])
    assert back == f"/lti/selection/{launch_id}"
    again = teacher.get(back)
    assert again.status_code == 200 and "Créé depuis la sélection" in again.text
    code = re.search(r'value="campaign:([A-Z0-9]{9})"', again.text).group(1)
    item, = _choose(world, teacher, launch_id, again.text, f"campaign:{code}")
    assert item["custom"] == {"campaign": code, "scale": "mastery"}
    # single use, as before: the launch is gone once answered
    assert teacher.get(f"/lti/selection/{launch_id}").status_code == 410


def test_opening_the_picker_in_a_second_tab_keeps_the_first_one_working(any_world: World) -> None:
    teacher, launch_id, first = _picker(any_world)
    second = teacher.get(f"/lti/selection/{launch_id}")  # the same picker opened again (a tab, a reload)
    assert second.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', first).group(1)
    assert f'name="csrf" value="{csrf}"' in second.text
    (item,) = _choose(any_world, teacher, launch_id, first, "competence:2.1")  # sent from the first tab
    assert item["custom"] == {"competence": "2.1", "scale": "level"}
    replay = any_world.tool.client.post(f"/lti/selection/{launch_id}",
                                        data={"lt": teacher.lt, "csrf": csrf, "item": "competence:1.1"})
    assert replay.status_code >= 400 and 'name="JWT"' not in replay.text  # used once: no second return


def test_an_unsafe_return_path_is_ignored_by_the_creation_page(world: World) -> None:
    teacher = Browser(world, "prof", teacher=True)
    form = teacher.get("/campagnes/nouveau", retour="//evil.example/x")
    assert form.status_code == 200 and 'name="retour"' not in form.text
    organisation = re.search(r'<option value="(course:\d+)"', form.text).group(1)
    created = teacher.post("/campagnes/nouveau", {"nom": "P", "type": "profiles_collection",
                                                  "organisation": organisation, "retour": "https://evil.example/"},
                           csrf_from="/campagnes/nouveau")
    assert re.fullmatch(r"/campagnes/\d+", _path(created))


@pytest.mark.parametrize("raw, expected", [
    ("/lti/selection/lti1p3-launch-3f2a", "/lti/selection/lti1p3-launch-3f2a"), ("/campagnes", "/campagnes"),
    ("//evil.example/x", None), ("https://evil.example/", None), ("/a/../admin", None), ("/\\evil.example", None),
    ("/x?next=//evil", None), ("", None), ("/", None), (None, None), ("/x\r\nSet-Cookie: a=b", None),
])
def test_return_paths_are_paths_of_the_tool_only(raw: object, expected: str | None) -> None:
    assert return_path(raw) == expected


def test_a_profiles_collection_is_offered_without_a_grade_column(world: World) -> None:
    teacher = Browser(world, "prof", teacher=True)
    form = teacher.get("/campagnes/nouveau")
    organisation = re.search(r'<option value="(course:\d+)"', form.text).group(1)
    dashboard = _path(teacher.post("/campagnes/nouveau", {"nom": "Profils", "type": "profiles_collection",
                                                          "organisation": organisation},
                                   csrf_from="/campagnes/nouveau"))
    code = _code(teacher, dashboard)
    picker, launch_id, page = _picker(world)
    assert "pas de note dans le carnet" in page
    item, = _choose(world, picker, launch_id, page, f"campaign:{code}")
    assert item["custom"] == {"campaign": code} and "lineItem" not in item


def test_a_retry_shared_again_is_sent_only_when_better(world: World) -> None:
    """The hook as the share use case calls it, for one learner's three sendings of the same campaign."""
    lineitem = world.platform.add_line_item("Parcours", 100)
    world.platform.enrol("eleve-1")

    def campaign(claims: dict[str, Any]) -> None:
        claims[LTI + "custom"] = {"campaign": "abcdef-234", "scale": "mastery"}  # as typed: normalised

    assert world.tool.launch(campaign, sub="eleve-1", lineitem=lineitem).status_code == 303
    account_id = world.outbox_account("eleve-1")
    for mastery, stage in ((40, (2, 4)), (40, (2, 4)), (30, (1, 4)), (67, (3, 4))):
        with world.sessions()() as session, session.begin():
            campaign_results_shared(session, account_id=account_id, campaign_code="ABCDEF234",
                                    mastery_percent=mastery, stage=stage, at=world.clock())
    with world.sessions()() as session, session.begin():  # another campaign: not this activity's
        assert campaign_results_shared(session, account_id=account_id, campaign_code="ZYXWVU987",
                                       mastery_percent=100, stage=None, at=world.clock()) == 0
    assert [i.status for i in _scores(world)] == ["superseded", "pending"]
    world.drain()
    grade = world.platform.grade(lineitem, "eleve-1")
    assert (grade.score_given, grade.comment) == (67.0, "Maîtrise 67 % — palier 3 sur 4")
    assert world.platform.score_posts == 1


def test_a_better_retry_shared_again_updates_the_grade_through_the_campaign_use_cases(world: World) -> None:
    """Multiple sendings: 0 % shared first, a retry 5 days later shared again with a better rate replaces it."""
    teacher = Browser(world, "prof", teacher=True)
    lineitem = world.platform.add_line_item("Parcours", 100)
    world.platform.enrol("eleve-1")
    service = CampaignService(world.sessions(), REF, clock=world.clock)
    learning = LearningService(world.sessions(), REF, clock=world.clock)
    course = re.search(r'<option value="(course:\d+)"', teacher.get("/campagnes/nouveau").text).group(1)
    teacher_id = world.outbox_account("prof")
    campaign = service.create(teacher_id, course, CampaignDraft(
        "Recherche", CampaignType.ASSESSMENT, ("rechercheUrl", "netiquetteEchange"), multiple_sendings=True))

    def in_campaign(claims: dict[str, Any]) -> None:
        claims[LTI + "custom"] = {"campaign": campaign.code, "scale": "mastery"}

    assert world.tool.launch(in_campaign, sub="eleve-1", lineitem=lineitem).status_code == 303
    student = world.outbox_account("eleve-1")
    first = service.join(student, campaign.code)
    take_test(learning, service, student, first, right=False)
    service.share(student, first)
    world.drain()
    assert world.platform.grade(lineitem, "eleve-1").score_given == 0.0

    world.clock.advance(5 * 86400)
    second = service.retry(student, first)
    take_test(learning, service, student, second, right=True)
    world.drain()
    assert world.platform.grade(lineitem, "eleve-1").score_given == 0.0  # not sent again before sharing
    service.share(student, second)
    world.drain()
    grade = world.platform.grade(lineitem, "eleve-1")
    assert grade.score_given > 0 and grade.comment.startswith(f"Maîtrise {int(grade.score_given)} %")
    assert [i.status for i in _scores(world)] == ["delivered", "delivered"]


def test_a_campaign_score_is_a_percentage_with_its_stage() -> None:
    assert campaign_score(0).comment == "Maîtrise 0 %"
    score = campaign_score(67, (2, 3))
    assert (score.given, score.maximum, score.comment) == (67.0, 100.0, "Maîtrise 67 % — palier 2 sur 3")
    with pytest.raises(ValueError):
        campaign_score(101)


def test_the_teacher_view_of_a_campaign_activity_names_the_campaign_and_links_its_dashboard(world: World) -> None:
    teacher = Browser(world, "prof", teacher=True)
    dashboard = _create(teacher, "Rentrée des secondes")
    code = _code(teacher, dashboard)
    activity = Browser(world, "prof", teacher=True, custom={"campaign": code, "scale": "mastery"})
    page = html.unescape(activity.get(urlparse(activity.landing).path).text)
    assert f"Parcours « Rentrée des secondes » (code {code})" in page
    assert f'href="{dashboard}?lt=' in page  # its own dashboard, not the list of campaigns
