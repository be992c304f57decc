"""The certification staff pages through real LTI launches: an Instructor opens the course's centre, creates a
session, enrols the course's pupils (class list and CSV), reports an incident, finalises; pupils and another
course's staff are kept out."""

from __future__ import annotations

import re

from certification import repository
from tests.campaign_web.test_campaign_pages import Person, path_of
from tests.lti.conftest import Tool


class Staff(Person):
    """A launched user on the certification pages (the CSRF token is the session's, read from any page)."""


def _open_centre_and_session(tool: Tool) -> tuple[Staff, int, int]:
    teacher = Staff(tool, "prof-1", teacher=True)
    home = teacher.get("/certif")
    assert home.status_code == 200 and "Sciences numériques 2de" in home.text
    key = re.search(r'name="kind" value="course"><input type="hidden" name="key" value="(\d+)"', home.text)
    assert key
    centre_path = path_of(teacher.post("/certif/centres", {"kind": "course", "key": key.group(1)}))
    centre_id = int(centre_path.rsplit("/", 1)[1])
    session_path = path_of(teacher.post(f"/certif/centres/{centre_id}/sessions", {
        "date": "2026-06-02", "time": "09:30", "room": "Salle 4", "examiner": "M. Roux", "address": "",
        "description": "Groupe A"}))
    return teacher, centre_id, int(session_path.rsplit("/", 1)[1])


def test_an_instructor_runs_a_session_from_creation_to_published_results(any_tool: Tool) -> None:
    tool = any_tool
    Person(tool, "eleve-1", given="Léa", family="Martin")
    Person(tool, "eleve-2", given="Hugo", family="Bernard")
    teacher, centre_id, session_id = _open_centre_and_session(tool)
    page = teacher.get(f"/certif/sessions/{session_id}")
    assert page.status_code == 200
    number = re.search(r'id="numero">(\d+)<', page.text)
    code = re.search(r'id="code-acces">([A-Z0-9]{6})<', page.text)
    assert number and code and re.fullmatch(r"[BCDFGHJKMPQRTVWXY]{4}[2346789]{2}", code.group(1))
    pupils = re.findall(r'name="eleve" value="(\d+)"', page.text)
    assert len(pupils) == 2
    assert path_of(teacher.post(f"/certif/sessions/{session_id}/inscrire", {"eleve": pupils})).endswith(
        f"/certif/sessions/{session_id}")
    page = teacher.get(f"/certif/sessions/{session_id}")
    assert "Martin Léa" in page.text and "Bernard Hugo" in page.text
    assert "compétences manquantes : 5" in page.text
    assert "Certifiables aujourd" in page.text and ": 0 sur 2." in page.text

    # a CSV with one wrong row enrols nobody and says which row and why
    bad = "Nom;Prénom;Date de naissance;Classe;Temps majoré (%);Aménagement\nDupont;Jean;12/13/2011;2A;;\n"
    response = tool.client.post(f"/certif/sessions/{session_id}/csv", params={"lt": teacher.lt},
                                data={"csrf": teacher.csrf()},
                                files={"fichier": ("eleves.csv", bad.encode(), "text/csv")}, follow_redirects=False)
    assert response.status_code == 400
    assert "Ligne 2, Date de naissance : date illisible" in response.text
    good = bad.replace("12/13/2011", "12/03/2011")
    response = tool.client.post(f"/certif/sessions/{session_id}/csv", params={"lt": teacher.lt},
                                data={"csrf": teacher.csrf()},
                                files={"fichier": ("eleves.csv", good.encode("cp1252"), "text/csv")},
                                follow_redirects=False)
    assert response.status_code == 303
    assert "Dupont Jean" in teacher.get(f"/certif/sessions/{session_id}").text

    # an incident, then finalisation: nobody sat the test, so everybody is absent; results published
    with tool.sessions()() as db:
        candidates = repository.candidates_of_session(db, session_id)
    assert path_of(teacher.post(f"/certif/candidats/{candidates[0].id}/incident",
                                {"category": "late_or_leaving", "comment": "arrivé à 10 h"}))
    form = teacher.get(f"/certif/sessions/{session_id}/finaliser")
    assert form.status_code == 200 and "Retard ou départ anticipé : arrivé à 10 h" in form.text
    absent = re.findall(r'name="absent" value="(\d+)"', form.text)
    assert len(absent) == 3
    path_of(teacher.post(f"/certif/sessions/{session_id}/finaliser", {"absent": absent, "examiner_comment": "RAS"}))
    page = teacher.get(f"/certif/sessions/{session_id}")
    assert "résultats publiés" in page.text and "Commentaire de la session (PV) : RAS" in page.text
    with tool.sessions()() as db:
        row = repository.session_by_id(db, session_id)
        assert row.state == "published" and row.published_at is not None


def test_pupils_and_other_staff_are_kept_out(tool: Tool) -> None:
    teacher, centre_id, session_id = _open_centre_and_session(tool)
    pupil = Staff(tool, "eleve-1")
    refused = pupil.get("/certif")
    assert refused.status_code == 403 and "réservée aux personnels" in refused.text
    assert pupil.get(f"/certif/sessions/{session_id}").status_code == 403
    stranger = Staff(tool, "prof-2", teacher=True, context="course-99")
    assert stranger.get(f"/certif/sessions/{session_id}").status_code == 404
    assert stranger.get(f"/certif/centres/{centre_id}").status_code == 404
    assert stranger.post(f"/certif/sessions/{session_id}/supprimer").status_code == 404
    assert stranger.post(f"/certif/centres/{centre_id}/sessions", {
        "date": "2026-06-02", "time": "09:30", "room": "X", "examiner": "Y"}).status_code == 404
    assert teacher.get(f"/certif/sessions/{session_id}").status_code == 200
    # the session's codes never appear for the stranger
    with tool.sessions()() as db:
        code = repository.session_by_id(db, session_id).access_code
    assert code not in stranger.get(f"/certif/sessions/{session_id}").text


def test_wrong_session_fields_and_forged_forms_are_refused(tool: Tool) -> None:
    teacher, centre_id, session_id = _open_centre_and_session(tool)
    bad = teacher.post(f"/certif/centres/{centre_id}/sessions", {
        "date": "2026-02-30", "time": "09:30", "room": "X", "examiner": "Y"})
    assert bad.status_code == 400 and "Date" in bad.text
    forged = teacher.post(f"/certif/centres/{centre_id}/sessions", {
        "date": "2026-06-02", "time": "09:30", "room": "X", "examiner": "Y"}, csrf=False)
    assert forged.status_code == 403
    assert teacher.get("/certif/sessions/abc").status_code == 404
    assert path_of(teacher.post(f"/certif/sessions/{session_id}/modifier", {
        "date": "2026-06-03", "time": "14:00", "room": "CDI", "examiner": "Mme Leroy", "address": "",
        "description": ""}))
    assert "CDI" in teacher.get(f"/certif/sessions/{session_id}").text
    assert path_of(teacher.post(f"/certif/sessions/{session_id}/supprimer")) == f"/certif/centres/{centre_id}"
    assert teacher.get(f"/certif/sessions/{session_id}").status_code == 404
