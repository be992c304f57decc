"""Valid launches through the full OIDC round trip, on SQLite and on PostgreSQL + Redis."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from core.accounts import Account
from core.courses import Membership
from tests.lti.conftest import Tool
from tests.lti.platform import INSTRUCTOR, LEARNER


def _follow(tool: Tool, response, use_cookie: bool = True):  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    if not use_cookie:
        tool.client.cookies.clear()
    return tool.client.get(location)


def test_student_launch_lands_on_activity_page(any_tool: Tool) -> None:
    response = any_tool.launch()
    page = _follow(any_tool, response)
    assert page.status_code == 200
    assert "Camille Durand" in page.text and 'class="tag">élève<' not in page.text  # no role badge for a pupil
    assert "Sciences numériques 2de" in page.text and "Mener une recherche" in page.text
    assert "compétence 1.1" in page.text
    assert any_tool.count(any_tool.platform.issuer) == {"accounts": 1, "courses": 1, "activities": 1}


def test_second_launch_reuses_account_course_and_activity(any_tool: Tool) -> None:
    _follow(any_tool, any_tool.launch())
    _follow(any_tool, any_tool.launch(roles=[INSTRUCTOR]))
    assert any_tool.count(any_tool.platform.issuer) == {"accounts": 1, "courses": 1, "activities": 1}
    with any_tool.sessions()() as session:
        account = session.query(Account).filter(Account.issuer == any_tool.platform.issuer).one()
        assert session.query(Membership).filter(Membership.account_id == account.id).one().role == "teacher"


def test_get_login_initiation_is_accepted(any_tool: Tool) -> None:
    query = any_tool.login(method="GET")
    token = any_tool.platform.sign(any_tool.platform.claims(query["nonce"]))
    assert any_tool.post_launch(token, query["state"]).status_code == 303


def test_distinct_users_get_distinct_accounts_and_no_email_is_stored(any_tool: Tool) -> None:
    def add_email(claims: dict) -> None:
        claims["email"] = "camille@example.org"

    for sub in ("u-a", "u-b", "u-c"):
        assert any_tool.launch(add_email, sub=sub).status_code == 303
    with any_tool.sessions()() as session:
        accounts = session.query(Account).filter(Account.issuer == any_tool.platform.issuer).all()
    assert sorted(a.sub for a in accounts) == ["u-a", "u-b", "u-c"]
    assert not hasattr(Account, "email")


def test_cookieless_launch_token_reaches_the_page(tool: Tool) -> None:
    page = _follow(tool, tool.launch(), use_cookie=False)
    assert page.status_code == 200 and "Camille Durand" in page.text


def test_launch_token_is_bound_to_its_activity(tool: Tool) -> None:
    first = tool.launch().headers["location"]
    token = parse_qs(urlparse(first).query)["lt"][0]
    tool.client.cookies.clear()
    other = tool.client.get(f"/activites/999?lt={token}")
    assert other.status_code == 403 and "Lancement refusé" in other.text


def test_page_without_session_is_refused_in_french(tool: Tool) -> None:
    response = tool.client.get("/activites/1")
    assert response.status_code == 401 and "session" in response.text


def test_cookie_attributes_on_plain_http_localhost(tool: Tool) -> None:
    query = tool.login()
    response = tool.post_launch(tool.platform.sign(tool.platform.claims(query["nonce"])), query["state"])
    cookie = response.headers["set-cookie"]
    assert "pix_lti_session=" in cookie and "Partitioned" not in cookie


def test_cookie_attributes_on_https(tmp_path, platform) -> None:  # type: ignore[no-untyped-def]
    from core.settings import Settings
    from tests.lti.conftest import _tool

    settings = Settings(database_url=f"sqlite:///{tmp_path}/s.sqlite3", base_url="https://pix.example.fr")
    for tool in _tool(settings, platform):
        response = tool.client.post("/lti/login", data={
            "iss": platform.issuer, "login_hint": "h", "target_link_uri": "https://pix.example.fr/lti/launch",
            "client_id": platform.client_id}, follow_redirects=False)
        cookie = response.headers["set-cookie"]
        assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie


def test_deep_linking_request_is_validated_and_routed(any_tool: Tool) -> None:
    response = any_tool.launch(message_type="LtiDeepLinkingRequest", roles=[INSTRUCTOR])
    assert response.status_code == 303 and "/lti/selection/" in response.headers["location"]
    page = any_tool.client.get(response.headers["location"])
    assert page.status_code == 200 and "Ajouter une activité Pix" in page.text


def test_valid_variants_are_accepted(tool: Tool) -> None:
    short = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
    variants = {
        "several roles": {"roles": [LEARNER, INSTRUCTOR]},
        "short role names": {"roles": ["Instructor"]},
        "unknown roles": {"roles": ["urn:example:unknown", short + "Nonexistent"]},
        "no role": {"roles": []},
    }
    for i, (label, args) in enumerate(variants.items()):
        response = tool.launch(sub=f"variant-{i}", **args)
        assert response.status_code == 303, label

    def email_only(c: dict) -> None:
        for k in ("name", "given_name", "family_name"):
            del c[k]
        c["email"] = "x@example.org"

    def names_only(c: dict) -> None:
        c.pop("email", None)

    def no_personal_data(c: dict) -> None:
        for k in ("name", "given_name", "family_name"):
            del c[k]

    def no_context(c: dict) -> None:
        del c["https://purl.imsglobal.org/spec/lti/claim/context"]

    for i, mutate in enumerate((email_only, names_only, no_personal_data, no_context)):
        response = tool.launch(mutate, sub=f"m-{i}")
        assert response.status_code == 303, mutate.__name__
        page = tool.client.get(response.headers["location"])
        assert page.status_code == 200, mutate.__name__
    page = tool.client.get(tool.launch(no_personal_data, sub="anon").headers["location"])
    assert "nom non transmis" in page.text


def test_roles_shown_on_page(tool: Tool) -> None:
    page = tool.client.get(tool.launch(roles=["Instructor"], sub="t").headers["location"])
    assert "enseignant" in page.text
    page = tool.client.get(tool.launch(
        roles=["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"], sub="adm"
    ).headers["location"])
    assert "administrateur" in page.text


def test_healthz_reports_database_and_store(any_tool: Tool) -> None:
    body = any_tool.client.get("/healthz").json()
    assert body["database"] is True
    assert body["redis"] is True or "non configuré" in str(body["redis"])


def test_jwks_published_public_only(any_tool: Tool) -> None:
    for path in ("/lti/jwks", "/.well-known/jwks.json"):
        keys = any_tool.client.get(path).json()["keys"]
        assert keys and all(set(k) == {"kty", "n", "e", "kid", "alg", "use"} for k in keys)
