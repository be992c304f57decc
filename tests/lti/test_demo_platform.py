"""The demo platform performs real launches into the tool (both apps in-process, JWKS over ASGI)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from demo_platform.app import create_demo_app
from pix_lti.app import bootstrap, create_app
from pix_lti.demo_runner import register_demo

TOOL, ISSUER = "http://127.0.0.1:8000", "http://127.0.0.1:8001"


def _fields(page: str) -> tuple[str, dict[str, str]]:
    action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    fields = {html.unescape(n): html.unescape(v) for n, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}
    return action, fields


@pytest.fixture
def clients(tmp_path) -> Iterator[tuple[TestClient, TestClient]]:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=f"sqlite:///{tmp_path}/demo.sqlite3", base_url=TOOL)
    bootstrap(settings)
    register_demo(settings, ISSUER)
    demo = create_demo_app(ISSUER, TOOL)
    tool = create_app(settings, http_transport=httpx.ASGITransport(app=demo))
    demo.state.tool_transport = httpx.ASGITransport(app=tool)  # the demo fetches the tool's keys in-process
    with TestClient(demo, base_url=ISSUER) as demo_client, TestClient(tool, base_url=TOOL) as tool_client:
        yield demo_client, tool_client


def _launch(demo: TestClient, tool: TestClient, query: str) -> httpx.Response:
    action, fields = _fields(demo.get("/demo/start?" + query).text)
    assert action == TOOL + "/lti/login"
    redirect = tool.post("/lti/login", data=fields, follow_redirects=False)
    assert redirect.status_code == 302
    location = urlparse(redirect.headers["location"])
    action, fields = _fields(demo.get(f"{location.path}?{location.query}").text)
    assert action == TOOL + "/lti/launch"
    launched = tool.post("/lti/launch", data=fields, follow_redirects=False)
    assert launched.status_code == 303, launched.text
    return tool.get(launched.headers["location"])


def test_home_page_is_labelled_as_a_demo(clients: tuple[TestClient, TestClient]) -> None:
    page = clients[0].get("/").text
    assert "Plateforme de démonstration" in page and "<iframe" in page


def test_demo_student_and_teacher_launches(clients: tuple[TestClient, TestClient]) -> None:
    demo, tool = clients
    page = _launch(demo, tool, "user=eleve&activity=c11")
    assert page.status_code == 200 and "Camille Durand" in page.text and "compétence 1.1" in page.text
    page = _launch(demo, tool, "user=enseignant&activity=c31")
    assert "Alex Martin" in page.text and "enseignant" in page.text and "compétence 3.1" in page.text
    page = _launch(demo, tool, "user=enseignant&activity=c11&message=select")
    assert page.status_code == 200 and "Ajouter une activité Pix" in page.text


def test_deep_linking_adds_the_chosen_activities_to_the_demo_course(clients: tuple[TestClient, TestClient]) -> None:
    demo, tool = clients
    picker = _launch(demo, tool, "user=enseignant&activity=c11&message=select")
    action = html.unescape(re.search(r'<form[^>]*method="post"[^>]*action="([^"]+)"', picker.text).group(1))  # type: ignore
    csrf = re.search(r'name="csrf" value="([^"]+)"', picker.text).group(1)  # type: ignore[union-attr]
    response = tool.post(action, data={"csrf": csrf, "item": ["competence:2.1", "profile"], "scale-2.1": "pix"})
    assert response.status_code == 200, response.text
    back, fields = _fields(response.text)
    assert back == ISSUER + "/deep-linking/retour" and "JWT" in fields
    added = demo.post("/deep-linking/retour", data={"JWT": fields["JWT"]})
    assert added.status_code == 200 and "2 activités ajoutées" in added.text
    assert "colonne de notes sur 48" in added.text
    home = demo.get("/").text
    key = re.findall(r"activity=(dl\d+)", home)[0]
    page = _launch(demo, tool, f"user=eleve&activity={key}")
    assert page.status_code == 200 and "2.1" in page.text

    forged = demo.post("/deep-linking/retour", data={"JWT": fields["JWT"][:-4] + "AAAA"})
    assert forged.status_code == 400 and "refusé" in forged.text


def test_the_person_chooses_the_tools_language_on_the_demo_platform_and_the_content_stays_french(
        clients: tuple[TestClient, TestClient]) -> None:
    demo, tool = clients
    home = demo.get("/?lang=en").text
    assert 'href="/demo/start?user=eleve&amp;activity=c11&amp;lang=en"' in home
    assert "restent en français" in home and 'aria-current="true">English' in home
    assert "/admin/" in home and "pix-lti admin create" in home

    english = _launch(demo, tool, "user=eleve&activity=c11&lang=en").text
    french = _launch(demo, tool, "user=eleve&activity=c11&lang=fr").text

    assert ">Start<" in english and "Commencer" not in english
    assert "Commencer" in french
    # The competence's name comes from the French content bank, in both languages.
    assert "Mener une recherche et une veille d" in english and "Mener une recherche et une veille d" in french


def test_the_demo_platform_refuses_an_unknown_language(clients: tuple[TestClient, TestClient]) -> None:
    page = clients[0].get("/demo/start?user=eleve&activity=c11&lang=de")
    assert page.status_code == 400 and "langue" in page.text


def test_the_demo_course_offers_the_test_without_an_account_with_no_grade_column(
        clients: tuple[TestClient, TestClient]) -> None:
    demo, tool = clients
    assert "Essayez sans inscription" in demo.get("/").text
    action, fields = _fields(demo.get("/demo/start?user=eleve&activity=essai&lang=fr").text)
    redirect = tool.post("/lti/login", data=fields, follow_redirects=False)
    location = urlparse(redirect.headers["location"])
    action, fields = _fields(demo.get(f"{location.path}?{location.query}").text)
    launched = tool.post("/lti/launch", data=fields, follow_redirects=False)
    landing = tool.get(launched.headers["location"], follow_redirects=False)
    if landing.headers.get("location", "").startswith("/activites/"):  # the 303 that drops ?lt= from the URL
        landing = tool.get(landing.headers["location"], follow_redirects=False)
    assert landing.status_code == 303 and landing.headers["location"] == "/essai?lang=fr"
    assert "Essayez sans inscription" not in demo.get("/carnet").text
