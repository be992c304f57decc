"""Issue 22: the administration and the error pages follow the chosen language (French first): the browser's
`Accept-Language`, or the switch (`?lang=en`, remembered in a cookie)."""

from __future__ import annotations

from tests.admin.conftest import csrf_of, login
from tests.lti.conftest import Tool

ENGLISH = {"accept-language": "en-GB,en;q=0.9"}


def test_the_login_page_follows_the_browser_and_the_switch(sqlite_admin_tool: Tool) -> None:
    client = sqlite_admin_tool.client
    french = client.get("/admin/login")
    assert '<html lang="fr">' in french.text and "Se connecter" in french.text and 'href="?lang=en"' in french.text
    english = client.get("/admin/login", headers=ENGLISH)
    assert '<html lang="en">' in english.text and "Pix LTI administration" in english.text
    assert "Se connecter" not in english.text and 'href="?lang=fr"' in english.text
    wrong = client.post("/admin/login", headers=ENGLISH, data={"csrf": csrf_of(english.text), "username": "alice",
                                                               "password": "nope"})
    assert wrong.status_code == 401 and "Wrong username or password." in wrong.text

    switched = client.get("/admin/login?lang=en")  # the switch wins over the browser, and is remembered
    assert "Pix LTI administration" in switched.text and client.cookies.get("pix_lti_lang") == "en"
    assert "Pix LTI administration" in client.get("/admin/login").text
    client.get("/admin/login?lang=fr")
    assert "Administration de Pix LTI" in client.get("/admin/login", headers=ENGLISH).text


def test_every_admin_page_reads_in_english_once_switched(logged_in: Tool) -> None:
    client = logged_in.client
    dashboard = client.get("/admin/?lang=en")
    assert dashboard.status_code == 200 and "<h1>Dashboard</h1>" in dashboard.text
    assert "Content bank" in dashboard.text and "Sign out (alice)" in dashboard.text
    assert "Tableau de bord" not in dashboard.text and "Banque de contenus" not in dashboard.text
    for path, words in (("/admin/registrations", "LTI 1.3 platforms"), ("/admin/launches", "Recent launches"),
                        ("/admin/grades", "Grade sending (AGS)"), ("/admin/keys", "The tool's signing keys"),
                        ("/admin/audit", "Change log"), ("/admin/liaisons", "No linked account."),
                        ("/admin/registrations/999", "No platform no. 999."),
                        ("/admin/gar/abonnements", "Subscribed schools (GAR)"),
                        ("/admin/certification", "Certification centres")):
        page = client.get(path)
        assert words in page.text.replace("&#39;", "'"), path
    rotated = client.post("/admin/keys/rotate", data={"csrf": csrf_of(client.get("/admin/keys").text)})
    assert "New signing key in service" in rotated.text
    client.get("/admin/?lang=fr")
    assert "<h1>Tableau de bord</h1>" in client.get("/admin/").text


def test_error_pages_follow_the_language_too(sqlite_admin_tool: Tool) -> None:
    client = sqlite_admin_tool.client
    french = client.get("/no/such/page")
    assert french.status_code == 404 and "Cette page n'existe pas." in french.text.replace("&#39;", "'")
    english = client.get("/no/such/page", headers=ENGLISH)
    assert english.status_code == 404 and '<html lang="en">' in english.text
    assert "This page does not exist." in english.text and "Check the address" in english.text
    client.get("/admin/login?lang=en")
    assert "This page does not exist." in client.get("/no/such/page").text  # the remembered switch


def test_an_admin_login_in_english_still_opens_the_area(sqlite_admin_tool: Tool) -> None:
    sqlite_admin_tool.client.get("/admin/login?lang=en")
    assert login(sqlite_admin_tool).status_code == 303


def test_a_refused_change_is_explained_in_the_pages_language(logged_in: Tool) -> None:
    client = logged_in.client
    form = client.get("/admin/registrations?lang=en")
    refused = client.post("/admin/registrations", data={
        "csrf": csrf_of(form.text), "issuer": "http://moodle.example", "client_id": "c",
        "auth_login_url": "https://moodle.example/auth", "auth_token_url": "https://moodle.example/token",
        "keyset_url": "https://moodle.example/certs"})
    assert refused.status_code == 400 and "Issuer: HTTPS is required (HTTP only on localhost)." in refused.text
    client.get("/admin/?lang=fr")
    again = client.post("/admin/registrations", data={
        "csrf": csrf_of(form.text), "issuer": "https://moodle.example", "client_id": " ",
        "auth_login_url": "https://moodle.example/auth", "auth_token_url": "https://moodle.example/token",
        "keyset_url": "https://moodle.example/certs"})
    assert again.status_code == 400 and "Identifiant client : valeur obligatoire." in again.text


def test_other_http_statuses_have_english_words_too(sqlite_admin_tool: Tool) -> None:
    from starlette.exceptions import HTTPException

    def gone() -> None:
        raise HTTPException(status_code=410)

    sqlite_admin_tool.client.app.add_api_route("/h22b-gone", gone)  # a status no route of the tool names itself
    client = sqlite_admin_tool.client
    french = client.get("/h22b-gone")
    assert french.status_code == 410 and "La requête n&#39;a pas abouti." in french.text
    english = client.get("/h22b-gone", headers=ENGLISH)
    assert english.status_code == 410 and '<html lang="en">' in english.text
    assert "The request did not succeed." in english.text and "Launch the activity again." in english.text
    assert "http_410" in english.text and "abouti" not in english.text
