"""Through real GAR logins: the school's head opens the school's certification centre, creates a session and
enrols pupils of a class (DIV); a teacher of the school is a member who may not create sessions (until the
head allows it); a pupil is refused every staff page."""

from __future__ import annotations

import re

from certification import repository
from tests.gar.conftest import SCHOOL, Gar, student, teacher

HEAD = "d4" * 64


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found, text
    return found.group(1)


def _post(gar: Gar, path: str, page: str, data: dict) -> object:
    page_text = gar.client.get(page).text
    return gar.client.post(path, data={"csrf": _csrf(page_text), **data}, follow_redirects=False)


def test_head_teacher_and_pupil_of_a_gar_school(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    gar.sign_in(student(DIV=["3A##3e A"], GRO=[], NOM=["Martin"], PRE=["Léa"]))
    gar.sign_in(student(IDO=["c3" * 64], DIV=["3A##3e A"], GRO=[], NOM=["Durand"], PRE=["Hugo"]))
    refused = gar.client.get("/certif")
    assert refused.status_code == 403  # the last sign-in was a pupil's

    gar.sign_in(teacher(IDO=[HEAD], PRO=["National_dir"], DIV=[], NOM=["Directrice"], PRE=["Claire"]))
    home = gar.client.get("/certif")
    assert home.status_code == 200 and f"tablissement {SCHOOL}" in home.text
    opened = _post(gar, "/certif/centres", "/certif", {"kind": "school", "key": SCHOOL})
    assert opened.status_code == 303
    centre_path = opened.headers["location"]
    created = _post(gar, centre_path + "/sessions", centre_path, {
        "date": "2026-06-02", "time": "09:00", "room": "CDI", "examiner": "Mme Leroy", "address": "",
        "description": ""})
    assert created.status_code == 303
    session_path = created.headers["location"]
    page = gar.client.get(session_path)
    assert "Classe 3e A" in page.text
    pupils = re.findall(r'name="eleve" value="(\d+)"', page.text)
    assert len(pupils) == 2
    enrolled = _post(gar, session_path + "/inscrire", session_path, {"eleve": pupils})
    assert enrolled.status_code == 303
    session_id = int(session_path.rsplit("/", 1)[1])
    with gar.sessions() as db:
        assert sorted(c.division for c in repository.candidates_of_session(db, session_id)) == ["3e A", "3e A"]

    gar.sign_in(teacher(NOM=["Prof"], PRE=["Paul"]))
    assert gar.client.get(session_path).status_code == 200  # a member sees the session
    member_create = _post(gar, centre_path + "/sessions", centre_path, {
        "date": "2026-06-03", "time": "09:00", "room": "CDI", "examiner": "M. Prof", "address": "",
        "description": ""})
    assert member_create.status_code == 403
    assert _post(gar, session_path + "/finaliser", session_path, {}).status_code == 403
