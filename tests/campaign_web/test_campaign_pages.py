"""Campaign pages through real LTI launches: a teacher creates and follows a campaign, students join by code,
take the test through the student pages, send their results; every access rule is checked."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.lti.conftest import Tool
from tests.lti.platform import INSTRUCTOR, LTI

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Person:
    """A launched user: their cookie-less `lt` token and helpers to browse with it."""

    def __init__(self, tool: Tool, sub: str, *, teacher: bool = False, context: str = "course-42",
                 given: str = "Camille", family: str = "Durand", locale: str | None = None) -> None:
        def mutate(claims: dict) -> None:
            claims[LTI + "context"]["id"] = context
            claims["given_name"], claims["family_name"], claims["name"] = given, family, f"{given} {family}"
            if locale is not None:  # the platform's language ("en-GB": the pages in English)
                claims[LTI + "launch_presentation"] = {"locale": locale, "document_target": "iframe"}

        response = tool.launch(mutate, sub=sub, roles=[INSTRUCTOR] if teacher else None)
        assert response.status_code in (302, 303), response.text
        self.lt = parse_qs(urlparse(response.headers["location"]).query)["lt"][0]
        self.client = tool.client
        self.client.cookies.clear()  # every request below is cookie-less: the `lt` token only

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.client.get(path, params={**params, "lt": self.lt}, follow_redirects=False)

    def post(self, path: str, data: dict | None = None, csrf: bool = True) -> httpx.Response:
        form = dict(data or {})
        if csrf:
            form["csrf"] = self.csrf()
        return self.client.post(path, params={"lt": self.lt}, data=form, follow_redirects=False)

    def csrf(self) -> str:
        found = CSRF.search(self.get("/campagnes/rejoindre").text)
        assert found
        return found.group(1)


def path_of(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    location = urlparse(response.headers["location"])
    assert "lt=" in location.query  # the cookie-less token is carried on
    return location.path


def create(teacher: Person, name: str = "Recherche", **extra: str) -> tuple[int, str]:
    form = teacher.get("/campagnes/nouveau")
    assert form.status_code == 200, form.text
    organisation = re.search(r'<option value="(course:\d+)"', form.text)
    assert organisation
    data = {"nom": name, "type": "assessment", "sujets": ["rechercheUrl", "netiquetteEchange"],
            "organisation": organisation.group(1), "badge": "50", **extra}
    campaign_id = int(path_of(teacher.post("/campagnes/nouveau", data)).rsplit("/", 1)[1])
    code = re.search(r'data-code>([A-Z0-9]{9})<', teacher.get(f"/campagnes/{campaign_id}").text)
    assert code
    return campaign_id, code.group(1)


def take_by_skipping(student: Person, participation: str) -> None:
    test = path_of(student.post(f"/campagnes/participations/{participation}/commencer"))
    assert test.startswith("/evaluations/")
    for _ in range(50):
        page = student.get(test)
        if page.status_code == 303:
            # the end of a campaign test ("Terminer") leads back to its campaign page
            assert path_of(page) == f"{test}/fin"
            end = student.get(f"{test}/fin")
            assert path_of(end) == f"/campagnes{test}/fin"
            back = student.get(f"/campagnes{test}/fin")
            assert path_of(back) == f"/campagnes/participations/{participation}"
            return
        challenge = re.search(r'data-challenge="([^"]+)"', page.text)
        assert challenge, page.text
        answered = student.post(f"{test}/reponses", {"challenge_id": challenge.group(1), "action": "skip"})
        assert answered.status_code == 303
    raise AssertionError("the campaign test did not end")


def join(student: Person, code: str) -> str:
    return path_of(student.post("/campagnes/rejoindre", {"code": code})).rsplit("/", 1)[1]


def test_teacher_creates_students_join_take_share_and_the_export_matches(any_tool: Tool) -> None:
    teacher = Person(any_tool, "prof", teacher=True, given="Marie", family="Curie")
    campaign_id, code = create(teacher)

    ana = Person(any_tool, "ana", given="Ana", family="Aubert")
    found = ana.get("/campagnes/rejoindre", code=code.lower())
    assert found.status_code == 200 and "Recherche" in found.text and "Rejoindre ce parcours" in found.text
    participation = join(ana, code)
    take_by_skipping(ana, participation)
    page = ana.get(f"/campagnes/participations/{participation}")
    assert 'data-status="completed"' in page.text and "Envoyer mes résultats" in page.text
    unconfirmed = ana.post(f"/campagnes/participations/{participation}/envoyer")
    assert unconfirmed.status_code == 422 and "Cochez la case" in unconfirmed.text
    path_of(ana.post(f"/campagnes/participations/{participation}/envoyer", {"confirmation": "oui"}))
    page = ana.get(f"/campagnes/participations/{participation}")
    assert 'data-status="shared"' in page.text and "data-mastery>0 %" in page.text
    again = ana.post(f"/campagnes/participations/{participation}/envoyer", {"confirmation": "oui"})
    assert again.status_code == 409 and "déjà été envoyés" in again.text

    bob = Person(any_tool, "bob", given="Bob", family="Bernard")
    join(bob, code)

    board = teacher.get(f"/campagnes/{campaign_id}")
    assert board.status_code == 200
    assert 'data-count="participants">2<' in board.text and 'data-count="shared">1<' in board.text
    assert "<svg" in board.text and "Ana Aubert" in board.text and "Bob Bernard" in board.text
    assert "0 %</td>" in board.text and "niv. 0" not in board.text
    assert "niv. 0</td>" in teacher.get(f"/campagnes/{campaign_id}", vue="niveaux").text  # per-competence levels
    export = teacher.get(f"/campagnes/{campaign_id}/export.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert f"parcours-{code}.csv" in export.headers["content-disposition"]
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [r[:2] for r in rows[1:]] == [["Aubert", "Ana"], ["Bernard", "Bob"]]
    assert rows[1][4:5] == ["Envoyé"] and rows[1][7] == "0" and rows[2][4] == "En cours" and rows[2][7] == ""


def test_a_student_never_reaches_teacher_pages_or_another_students_participation(tool: Tool) -> None:
    teacher = Person(tool, "prof", teacher=True)
    campaign_id, code = create(teacher)
    ana = Person(tool, "ana")
    mine = join(ana, code)
    bob = Person(tool, "bob")
    for path in ("/campagnes", "/campagnes/nouveau", f"/campagnes/{campaign_id}",
                 f"/campagnes/{campaign_id}/export.csv"):
        assert bob.get(path).status_code == 403, path
    assert bob.post("/campagnes/nouveau", {"nom": "x", "type": "assessment"}).status_code == 403
    assert bob.get(f"/campagnes/participations/{mine}").status_code == 404
    test = path_of(ana.post(f"/campagnes/participations/{mine}/commencer"))
    assert bob.get(f"/campagnes{test}/fin").status_code == 404  # another's test leads nowhere
    for action in ("commencer", "envoyer", "recommencer"):
        assert bob.post(f"/campagnes/participations/{mine}/{action}", {"confirmation": "oui"}).status_code == 404
    assert ana.get(f"/campagnes/participations/{mine}").status_code == 200


def test_a_teacher_sees_only_the_campaigns_of_their_own_courses(tool: Tool) -> None:
    teacher = Person(tool, "prof", teacher=True)
    campaign_id, _ = create(teacher, "Parcours de 2de A")
    other = Person(tool, "autre", teacher=True, context="course-99")
    assert other.get(f"/campagnes/{campaign_id}").status_code == 403
    assert other.get(f"/campagnes/{campaign_id}/export.csv").status_code == 403
    assert "Parcours de 2de A" not in other.get("/campagnes").text
    assert other.get("/campagnes/999999").status_code == 404
    # creating a campaign for a course one does not teach is refused, whatever the form says
    forged = other.post("/campagnes/nouveau", {"nom": "x", "type": "profiles_collection",
                                               "organisation": "course:1"})
    assert forged.status_code == 403
    teacher = Person(tool, "prof", teacher=True)
    assert "Parcours de 2de A" in teacher.get("/campagnes").text


def test_joining_needs_a_session_a_valid_code_and_a_form_from_the_tool(tool: Tool) -> None:
    assert tool.client.get("/campagnes/rejoindre").status_code == 401
    assert tool.client.get("/campagnes/rejoindre?lt=forged").status_code == 401
    student = Person(tool, "ana")
    bad = student.post("/campagnes/rejoindre", {"code": "AB12"})
    assert bad.status_code == 400 and "6 lettres puis 3 chiffres" in bad.text
    unknown = student.post("/campagnes/rejoindre", {"code": "ABCDEF234"})
    assert unknown.status_code == 404 and "Aucun parcours" in unknown.text
    forged = student.post("/campagnes/rejoindre", {"code": "ABCDEF234", "csrf": "nope"}, csrf=False)
    assert forged.status_code == 403


@pytest.mark.parametrize("field", [{"sujets": ["inconnu"]}, {"nom": ""}, {"badge": "300"}])
def test_a_bad_creation_form_is_refused_with_a_french_message_and_nothing_created(tool: Tool, field: dict) -> None:
    teacher = Person(tool, "prof", teacher=True)
    organisation = re.search(r'<option value="(course:\d+)"', teacher.get("/campagnes/nouveau").text)
    assert organisation
    data = {"nom": "P", "type": "assessment", "sujets": ["rechercheUrl"], "organisation": organisation.group(1),
            **field}
    response = teacher.post("/campagnes/nouveau", data)
    assert response.status_code == 400 and 'class="banner error"' in response.text
    assert "Aucun parcours" in teacher.get("/campagnes").text


def test_hostile_ids_and_fields_get_clear_refusals_never_a_server_error(any_tool: Tool) -> None:
    teacher = Person(any_tool, "prof", teacher=True)
    campaign_id, code = create(teacher)
    assert teacher.get("/campagnes/99999999999").status_code == 404
    assert teacher.get("/campagnes/99999999999/export.csv").status_code == 404
    assert teacher.get(f"/campagnes/{campaign_id}", groupe="99999999999999").status_code == 200
    assert teacher.get(f"/campagnes/{campaign_id}", groupe="\u0663").status_code == 200  # a non-ASCII digit
    student = Person(any_tool, "ana")
    for pid in ("x%00y", "0" * 300, "..%2F..%2Fetc"):
        assert student.get(f"/campagnes/participations/{pid}").status_code == 404
        assert student.post(f"/campagnes/participations/{pid}/envoyer", {"confirmation": "oui"}).status_code == 404
    assert student.get("/campagnes/evaluations/x%00/fin").status_code == 404
    assert student.post("/campagnes/rejoindre", {"code": "ABC\x00DEF234"}).status_code == 400
    assert student.get("/campagnes/rejoindre", code="\x00" * 100).status_code == 404
    organisation = re.search(r'<option value="(course:\d+)"', teacher.get("/campagnes/nouveau").text)
    assert organisation
    response = teacher.post("/campagnes/nouveau", {"nom": "a\x00b", "type": "profiles_collection",
                                                   "organisation": organisation.group(1)})
    assert response.status_code == 400 and "invisibles" in response.text
    assert len(re.findall(r'href="/campagnes/\d+\?', teacher.get("/campagnes").text)) == 1
    assert code


def test_a_campaign_the_profile_already_answers_goes_straight_to_the_results_even_when_relaunched(
        tool: Tool) -> None:
    """Issue 22: it showed "99 %", ended with zero questions, and relaunching the activity asked to join again."""
    teacher = Person(tool, "prof", teacher=True, given="Marie", family="Curie")
    _, first = create(teacher, "Recherche")
    _, second = create(teacher, "Recherche, deuxième fois")
    ana = Person(tool, "ana", given="Ana", family="Aubert")
    take_by_skipping(ana, join(ana, first))

    participation = join(ana, second)
    page = ana.get(f"/campagnes/participations/{participation}")
    assert page.status_code == 200 and 'data-status="completed"' in page.text
    assert 'data-status="started"' not in page.text  # not "Parcours en cours : 99 %"
    assert "/commencer" not in page.text and "Envoyer mes résultats" in page.text and "data-mastery>0 %" in page.text

    # the join page of a campaign already joined, and a relaunched campaign activity, lead to the participation
    assert path_of(ana.get("/campagnes/rejoindre", code=second.lower())) == f"/campagnes/participations/{participation}"

    def relaunch(claims: dict) -> None:
        claims[LTI + "context"]["id"] = "course-42"
        claims[LTI + "custom"] = {"campaign": second}

    launched = tool.launch(relaunch, sub="ana")
    landing = tool.client.get(launched.headers["location"], follow_redirects=True)
    assert landing.status_code == 200
    assert urlparse(str(landing.url)).path == f"/campagnes/participations/{participation}"
    assert 'data-status="completed"' in landing.text and "Rejoindre ce parcours" not in landing.text


def test_a_campaign_test_shows_proposals_in_the_learners_own_order_and_right_clicks_score(tool: Tool) -> None:
    """Issue 16: a campaign's test is a pupil's test: each QCU/QCM shows the order seeded by its assessment, the
    same on a reload, and the right proposal clicked where it is shown is right."""
    from content_bank.loader import default_referential
    from engine.proposal_order import display_context, proposal_order
    from engine.referential import ChallengeType

    referential = default_referential()
    choice = re.compile(r'<input type="(?:radio|checkbox)" name="answer" id="p(\d+)" value="(\d+)"')
    teacher = Person(tool, "prof", teacher=True)
    _, code = create(teacher)
    eve = Person(tool, "eve", given="Eve", family="Lambert")
    test = path_of(eve.post(f"/campagnes/participations/{join(eve, code)}/commencer"))
    context = display_context("assessment", test.rsplit("/", 1)[1])
    checked = 0
    for _ in range(50):
        page = eve.get(test)
        if page.status_code == 303:
            break
        found = re.search(r'data-challenge="([^"]+)"', page.text)
        assert found, page.text
        challenge = referential.challenges[found.group(1)]
        if challenge.type not in (ChallengeType.QCU, ChallengeType.QCM):
            eve.post(f"{test}/reponses", {"challenge_id": challenge.id, "action": "skip"})
            continue
        order = tuple(int(value) for _, value in choice.findall(page.text))
        assert order == proposal_order(challenge, context)
        assert tuple(int(v) for _, v in choice.findall(eve.get(test).text)) == order  # a reload
        solution: object = challenge.solution
        right = {solution} if challenge.type is ChallengeType.QCU else set(solution)  # type: ignore[call-overload]
        picked = [str(index) for index in order if index in right]  # where the page shows them
        value = picked[0] if challenge.type is ChallengeType.QCU else picked
        answered = eve.post(f"{test}/reponses", {"challenge_id": challenge.id, "action": "submit", "answer": value})
        assert answered.status_code == 303
        outcome = eve.client.get(answered.headers["location"], follow_redirects=True)
        assert f'data-answered="{challenge.id}"' in outcome.text and 'data-outcome="ok"' in outcome.text
        checked += 1
    assert checked >= 1


def test_the_teachers_dashboard_shows_a_campaign_with_nothing_to_ask_ready_to_send_before_the_pupil_comes_back(
        tool: Tool) -> None:
    """Issue 22: the dashboard showed such a participation "in progress" until its pupil opened the page."""
    teacher = Person(tool, "prof", teacher=True, given="Marie", family="Curie")
    _, first = create(teacher, "Recherche")
    second_id, second = create(teacher, "Recherche, deuxième fois")
    ana = Person(tool, "ana", given="Ana", family="Aubert")
    take_by_skipping(ana, join(ana, first))
    join(ana, second)
    bob = Person(tool, "bob", given="Bob", family="Bernard")
    join(bob, second)

    def row(board: str, name: str) -> str:
        found = re.search(rf'<tr data-participant="\d+"><th scope="row">{name}.*?</tr>', board, re.S)
        assert found, board
        return found.group(0)

    board = teacher.get(f"/campagnes/{second_id}").text
    assert "Terminé, non envoyé" in row(board, "Ana Aubert") and "100 %" in row(board, "Ana Aubert")
    assert "data-nothing-to-ask" in row(board, "Ana Aubert") and "aucune question à poser" in row(board, "Ana Aubert")
    assert "En cours" in row(board, "Bob Bernard") and "0 %" in row(board, "Bob Bernard")
    assert "data-nothing-to-ask" not in row(board, "Bob Bernard")
    export = teacher.get(f"/campagnes/{second_id}/export.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [(r[0], r[4]) for r in rows[1:]] == [("Aubert", "Terminé, non envoyé"), ("Bernard", "En cours")]

    english = Person(tool, "prof", teacher=True, given="Marie", family="Curie", locale="en-GB")
    assert "no question to ask" in row(english.get(f"/campagnes/{second_id}").text, "Ana Aubert")
