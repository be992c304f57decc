"""The test day's pages through the real app (LTI launches, SQLite and PostgreSQL + Redis): a pupil joins with the
session number and code, the invigilator opens the space and confirms presence, the pupil takes the test; a pupil
cannot open the invigilator space, another centre's staff see nothing, a wrong code is throttled, a new launch
is a re-entry the invigilator must allow, and the question and time survive a restart of the app."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from certification.centres import open_course_centre
from certification.models import SessionRow
from certification.sos import create_sos_campaign
from content_bank.loader import default_referential
from core.accounts import Account
from core.courses import Course
from pix_lti.app import create_app
from tests.certification.day import ACCESS_CODE, PASSWORD, enrol, make_certifiable
from tests.certification.test_test_day import right_answer
from tests.lti.conftest import BASE, Tool
from tests.lti.platform import LTI
from tests.student_web.helpers import csrf, current_challenge

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
NUMBER = 4242424
_ROOMS = iter(range(1, 1000))  # PostgreSQL is reset once per module: each test gets its own people and session


def _launch(tool: Tool, sub: str, roles: list[str] | None = None, context: str = "course-42") -> str:
    """A launch as this person; returns their session cookie (the client's jar is then emptied)."""
    def mutate(claims: dict) -> None:  # type: ignore[type-arg]
        claims[LTI + "context"] = {**claims[LTI + "context"], "id": context}

    tool.client.cookies.clear()
    response = tool.launch(mutate, sub=sub, roles=roles)
    assert response.status_code == 303, response.text
    cookie = tool.client.cookies.get("pix_lti_session")
    assert cookie
    tool.client.cookies.clear()
    return cookie


class Person:
    def __init__(self, tool: Tool, cookie: str) -> None:
        self.tool, self.cookie = tool, cookie

    def use(self) -> TestClient:
        """The shared client, carrying this person's session cookie only."""
        client = self.tool.client
        client.cookies.clear()
        client.cookies.set("pix_lti_session", self.cookie)
        return client

    def get(self, url: str, follow: bool = True) -> httpx.Response:
        return self.use().get(url, follow_redirects=follow)

    def post(self, url: str, page: httpx.Response | None, data: dict | None = None,  # type: ignore[type-arg]
             follow: bool = True) -> httpx.Response:
        fields = {**({"csrf": csrf(page)} if page is not None else {}), **(data or {})}
        return self.use().post(url, data=fields, follow_redirects=follow)


def _account(tool: Tool, sub: str) -> int:
    with tool.sessions()() as db:
        return db.scalar(select(Account.id).where(Account.sub == sub))


@pytest.fixture
def room(any_tool: Tool) -> dict:  # type: ignore[type-arg]
    """A course centre (the LMS course of the launches), its instructor, two enrolled certifiable pupils, and a
    second centre with its own instructor."""
    tool = any_tool
    n = next(_ROOMS)
    cookies = {
        "teacher": _launch(tool, f"prof-1-{n}", [INSTRUCTOR], context=f"course-{n}"),
        "lea": _launch(tool, f"eleve-lea-{n}", context=f"course-{n}"),
        "tom": _launch(tool, f"eleve-tom-{n}", context=f"course-{n}"),
        "other_teacher": _launch(tool, f"prof-2-{n}", [INSTRUCTOR], context=f"other-{n}"),
    }
    referential = default_referential()
    from datetime import UTC, datetime
    now = datetime.now(UTC)
    with tool.sessions().begin() as db:
        course = db.scalar(select(Course.id).where(Course.context_id == f"course-{n}"))
        centre = open_course_centre(db, course, None)
        other_course = db.scalar(select(Course.id).where(Course.context_id == f"other-{n}"))
        open_course_centre(db, other_course, None)
        row = SessionRow(centre_id=centre.id, number=NUMBER + n, date=now.date(), time="09:00", room="B12", address="",
                         examiner="Mme Exam", description="", access_code=ACCESS_CODE, invigilator_password=PASSWORD,
                         version="v3", state="created")
        db.add(row)
        db.flush()
        ids = {}
        for name in ("lea", "tom"):
            account = db.scalar(select(Account.id).where(Account.sub == f"eleve-{name}-{n}"))
            make_certifiable(db, referential, account, now)
            ids[name] = enrol(db, row.id, account, name.capitalize(), "Martin")
    people = {name: Person(tool, cookie) for name, cookie in cookies.items()}
    return {"tool": tool, "people": people, "candidates": ids, "session_id": row.id, "n": n}


def _join(pupil: Person, n: int) -> httpx.Response:
    entry = pupil.get("/certification")
    assert entry.status_code == 200 and 'name="numero"' in entry.text
    return pupil.post("/certification", entry, {"numero": str(NUMBER + n), "code": ACCESS_CODE.lower()})


def _open_space(teacher: Person, n: int) -> httpx.Response:
    login = teacher.get("/certification/surveillance")
    return teacher.post("/certification/surveillance", login, {"numero": str(NUMBER + n), "mot_de_passe": PASSWORD})


def _act(teacher: Person, board: httpx.Response, session_id: int, candidate_id: int, action: str,
         **data: str) -> httpx.Response:
    return teacher.post(f"/certification/surveillance/{session_id}/candidats/{candidate_id}/{action}", board, data)


def test_a_session_from_the_pupils_form_to_the_first_answers(room):
    lea, teacher = room["people"]["lea"], room["people"]["teacher"]
    sid, cid = room["session_id"], room["candidates"]["lea"]
    profile = lea.get("/profil")
    assert 'href="/certification"' in profile.text
    identity = _join(lea, room["n"])
    assert identity.url.path == f"/certification/candidats/{cid}/identite" and "Lea" in identity.text
    waiting = lea.post(f"/certification/candidats/{cid}/identite", identity)
    assert waiting.url.path.endswith("/attente") and "data-poll" in waiting.text
    assert lea.get(f"/certification/candidats/{cid}/etat.json").json()["present"] is False
    board = _open_space(teacher, room["n"])
    assert board.status_code == 200 and board.url.path == f"/certification/surveillance/{sid}"
    assert ACCESS_CODE in board.text and "Arrivé, présence à confirmer" in board.text
    state = teacher.get(f"/certification/surveillance/{sid}/etat.json").json()
    assert [c["status"] for c in state["candidates"]] == ["arrived", "not_arrived"]
    board = _act(teacher, board, sid, cid, "presence")
    assert "Présence confirmée." in board.text
    assert lea.get(f"/certification/candidats/{cid}/etat.json").json()["present"] is True
    waiting = lea.get(f"/certification/candidats/{cid}/attente")
    test = lea.post(f"/certification/candidats/{cid}/commencer", waiting)
    assert test.url.path.endswith("/epreuve") and "Question 1 sur 32" in test.text
    remaining = int(re.search(r'data-remaining="([0-9]+)"', test.text).group(1))
    assert 6300 - 30 <= remaining <= 6300 and "data-focus-check" in test.text
    assert "<script>" not in test.text  # no inline script (CSP script-src 'self')
    challenge_id = current_challenge(test)
    challenge = default_referential().challenges[challenge_id]
    answer = right_answer(challenge)
    fields = {"challenge_id": challenge_id, "action": "submit"}
    if isinstance(answer, int):
        fields["answer"] = str(answer)
    elif isinstance(answer, list):
        fields["answer"] = [str(a) for a in answer]  # type: ignore[assignment]
    else:
        fields.update({f"r_{k}": v for k, v in answer.items()})  # type: ignore[union-attr]
    second = lea.post(f"/certification/candidats/{cid}/reponses", test, fields)
    assert "Question 2 sur 32" in second.text and current_challenge(second) != challenge_id
    state = teacher.get(f"/certification/surveillance/{sid}/etat.json").json()
    line = next(c for c in state["candidates"] if c["candidate_id"] == cid)
    assert line["status"] == "in_test" and line["answered"] == 1
    # leaving the page: the script's report, then the invigilator validates it
    alert = lea.use().post(f"/certification/candidats/{cid}/alertes",
                           data={"csrf": csrf(second), "challenge_id": current_challenge(second), "kind": "focus_out"},
                           headers={"x-requested-with": "fetch"})
    assert alert.status_code == 204
    board = teacher.get(f"/certification/surveillance/{sid}")
    assert "Le candidat a quitté la page à la question 2." in board.text
    alert_id = re.search(r"/alertes/([0-9]+)/valider", board.text).group(1)
    board = teacher.post(f"/certification/surveillance/{sid}/alertes/{alert_id}/valider", board)
    assert "Alerte validée" in board.text
    replaced = lea.get(f"/certification/candidats/{cid}/epreuve")
    assert "Question 2 sur 32" in replaced.text and current_challenge(replaced) != current_challenge(second)
    # the invigilator ends the test: the end page
    board = _act(teacher, board, sid, cid, "terminer")
    end = lea.get(f"/certification/candidats/{cid}/epreuve")
    assert end.url.path.endswith("/fin") and "Vos résultats seront disponibles" in end.text


def test_a_pupil_cannot_open_the_invigilator_space(room):
    lea, sid = room["people"]["lea"], room["session_id"]
    refused = _open_space(lea, room["n"])
    assert refused.status_code == 403 and "réservé au personnel" in refused.text
    assert lea.get(f"/certification/surveillance/{sid}").url.path == "/certification/surveillance"
    assert lea.get(f"/certification/surveillance/{sid}/etat.json").status_code == 403


def test_another_centres_staff_see_nothing(room):
    other, teacher = room["people"]["other_teacher"], room["people"]["teacher"]
    sid, cid = room["session_id"], room["candidates"]["lea"]
    assert _open_space(other, room["n"]).status_code == 403
    assert other.get(f"/certification/surveillance/{sid}/etat.json").status_code == 403
    board = _open_space(teacher, room["n"])
    refused = _act(other, board, sid, cid, "presence")  # a forged action with a valid form of its own session
    assert refused.status_code in (403, 303, 200) and "Présence confirmée" not in refused.text
    state = teacher.get(f"/certification/surveillance/{sid}/etat.json").json()
    assert state["candidates"][0]["status"] == "not_arrived"


def test_a_pupil_sees_only_their_own_candidacy(room):
    tom, lea_id = room["people"]["tom"], room["candidates"]["lea"]
    _join(tom, room["n"])
    assert tom.get(f"/certification/candidats/{lea_id}/identite").url.path == "/certification"
    assert tom.get(f"/certification/candidats/{lea_id}/etat.json").status_code == 403


def test_wrong_codes_are_throttled(room):
    tom = room["people"]["tom"]
    entry = tom.get("/certification")
    for _ in range(5):
        wrong = tom.post("/certification", entry, {"numero": str(NUMBER + room["n"]), "code": "ZZZZ99"})
        assert wrong.status_code == 403 and "incorrect" in wrong.text
    locked = tom.post("/certification", entry, {"numero": str(NUMBER + room["n"]), "code": ACCESS_CODE})
    assert locked.status_code == 429 and "essais erronés" in locked.text


def test_a_new_launch_is_a_reentry_and_nothing_is_lost_across_a_restart(room):
    tool, teacher = room["tool"], room["people"]["teacher"]
    tom, sid, cid = room["people"]["tom"], room["session_id"], room["candidates"]["tom"]
    identity = _join(tom, room["n"])
    tom.post(f"/certification/candidats/{cid}/identite", identity)
    board = _open_space(teacher, room["n"])
    _act(teacher, board, sid, cid, "presence")
    waiting = tom.get(f"/certification/candidats/{cid}/attente")
    test = tom.post(f"/certification/candidats/{cid}/commencer", waiting)
    question = current_challenge(test)
    # a worker restart: a new app (its own process state) on the same database and store finds the same question
    with TestClient(create_app(tool.settings), base_url=BASE) as restarted:
        restarted.cookies.set("pix_lti_session", tom.cookie)
        again = restarted.get(f"/certification/candidats/{cid}/epreuve")
    if tool.settings.redis_url:  # the shared store keeps the pupil's entry: straight back to the question
        assert current_challenge(again) == question
    else:  # the embedded in-process store went with the process: the session form again (a re-entry, below)
        assert again.url.path == "/certification"
    # a closed laptop: a new launch, the session form again: the invigilator must let the pupil back in
    tom = Person(tool, _launch(tool, f"eleve-tom-{room['n']}", context=f"course-{room['n']}"))
    assert tom.get(f"/certification/candidats/{cid}/epreuve").url.path == "/certification"
    suspended = _join(tom, room["n"])
    assert "autoriser votre reprise" in suspended.text
    assert "data-poll" in suspended.text
    board = teacher.get(f"/certification/surveillance/{sid}")
    assert "A quitté le test, attend la reprise" in board.text
    _act(teacher, board, sid, cid, "reprise")
    assert tom.get(f"/certification/candidats/{cid}/etat.json").json()["reentry_authorised"] is True
    back = tom.get(f"/certification/candidats/{cid}/epreuve")
    assert current_challenge(back) == question and "Question 1 sur 32" in back.text


def test_a_pupil_who_is_not_certifiable_is_pointed_to_the_sos_campaign(room):
    tool = room["tool"]
    newcomer = Person(tool, _launch(tool, f"eleve-new-{room['n']}"))
    with tool.sessions().begin() as db:
        account = db.scalar(select(Account.id).where(Account.sub == f"eleve-new-{room['n']}"))
        enrol(db, room["session_id"], account, "Noé", "Nouveau")
    refused = _join(newcomer, room["n"])
    assert refused.status_code == 403 and "SOS élève non certifiable" in refused.text
    assert "data-sos" not in refused.text  # the centre has not created the campaign yet
    with tool.sessions().begin() as db:
        session_row = db.get(SessionRow, room["session_id"])
        teacher = db.scalar(select(Account.id).where(Account.sub == f"prof-1-{room['n']}"))
        campaign = create_sos_campaign(db, default_referential(), session_row.centre_id, teacher, datetime.now(UTC))
        code = campaign.code
    offered = _join(newcomer, room["n"])
    assert f'data-sos="{code}"' in offered.text and f"/campagnes/rejoindre?code={code}" in offered.text


_CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="answer" id="p(\d+)" value="(\d+)"')


def test_the_test_day_shows_proposals_in_the_courses_own_order_and_right_clicks_score(room):
    """Issue 16: on the test day each QCU/QCM shows its proposals in the order seeded by the candidate's
    certification course and the challenge, the same after a reload; the right proposal clicked where it is
    shown is stored as its original index and scored ok."""
    from certification.models import CertificationAnswerRow, CertificationCourseRow
    from engine.proposal_order import display_context, proposal_order
    from engine.referential import ChallengeType

    tool, teacher, sid, n = room["tool"], room["people"]["teacher"], room["session_id"], room["n"]
    referential = default_referential()
    tests = {}
    for name in ("lea", "tom"):
        pupil, cid = room["people"][name], room["candidates"][name]
        identity = _join(pupil, n)
        pupil.post(f"/certification/candidats/{cid}/identite", identity)
        board = _act(teacher, _open_space(teacher, n), sid, cid, "presence")
        assert "Présence confirmée." in board.text
        waiting = pupil.get(f"/certification/candidats/{cid}/attente")
        tests[name] = pupil.post(f"/certification/candidats/{cid}/commencer", waiting)
    with tool.sessions()() as db:
        courses = {name: db.scalar(select(CertificationCourseRow.id).where(
            CertificationCourseRow.candidate_id == room["candidates"][name])) for name in tests}
    assert courses["lea"] != courses["tom"]

    checked = 0
    for name, test in tests.items():
        pupil, cid = room["people"][name], room["candidates"][name]
        context = display_context("certification", courses[name])
        for _ in range(12):
            challenge = referential.challenges[current_challenge(test)]
            fields = {"challenge_id": challenge.id, "action": "submit"}
            if challenge.type in (ChallengeType.QCU, ChallengeType.QCM):
                pairs = _CHOICE.findall(test.text)
                assert all(ident == value for ident, value in pairs)
                order = tuple(int(value) for _, value in pairs)
                assert order == proposal_order(challenge, context)
                reloaded = pupil.get(f"/certification/candidats/{cid}/epreuve")
                assert tuple(int(v) for _, v in _CHOICE.findall(reloaded.text)) == order
                solution: object = challenge.solution
                right = {solution} if challenge.type is ChallengeType.QCU else set(solution)  # type: ignore
                picked = [str(index) for index in order if index in right]  # where the page shows them
                fields["answer"] = picked[0] if challenge.type is ChallengeType.QCU else picked  # type: ignore
                checked += 1
            else:
                fields["action"] = "skip"
            test = pupil.post(f"/certification/candidats/{cid}/reponses", test, fields)
            if fields["action"] == "submit":
                with tool.sessions()() as db:
                    row = db.scalar(select(CertificationAnswerRow).where(
                        CertificationAnswerRow.course_id == courses[name],
                        CertificationAnswerRow.challenge_id == challenge.id))
                assert row is not None and row.status == "ok", (challenge.id, row and row.value)
                assert row.value == ",".join(str(i) for i in sorted(right))  # the original indices, as before
    assert checked >= 4  # the certification asks many QCU/QCM: several were checked
