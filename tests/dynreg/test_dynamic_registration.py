"""LTI Dynamic Registration against a platform enforcing Moodle 4.3's rules, and a looser 1EdTech one."""

from __future__ import annotations

import html
from typing import Any

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from lti_tool.dynreg.models import UsedRegistrationToken
from lti_tool.models import Deployment, Registration
from lti_tool.registrations import list_registrations
from tests.dynreg.moodle_like_platform import TOOL_CONFIGURATION, LooseSpecPlatform, MoodleLikePlatform
from tests.lti.conftest import Tool


def _start(tool: Tool, platform: MoodleLikePlatform, token: str | None = None, **params: str) -> Any:
    if platform not in tool.platforms:
        tool.platforms.append(platform)
    query = {"openid_configuration": platform.configuration_url,
             "registration_token": token if token is not None else platform.new_registration_token(), **params}
    return tool.client.get("/lti/register", params=query)


def _counts(tool: Tool) -> tuple[int, int, int, int]:
    with tool.sessions()() as session:
        return tuple(session.scalar(select(func.count()).select_from(m))  # type: ignore[return-value]
                     for m in (Registration, Deployment, UsedRegistrationToken, AuditEntry))


def test_moodle_registration_stores_client_and_deployment_then_a_real_launch_works(dyn_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    response = _start(dyn_tool, moodle)
    assert response.status_code == 200, response.text
    text = html.unescape(response.text)
    assert "Pix LTI (localhost) est enregistré" in text
    assert "Gérer les outils" in text and "absents du sélecteur d'activités" in text  # coursevisible = 1
    assert '<script src="/static/outil/dynreg.js">' in response.text and 'data-auto-close="1"' in response.text
    assert '"org.imsglobal.lti.close"' in dyn_tool.client.get("/static/outil/dynreg.js").text

    (client_id, tool_type), = moodle.tools.items()
    assert tool_type["state"] == "pending" and tool_type["content_item"] is True
    sent = moodle.received[0]
    assert sent["client_name"] == "Pix LTI (localhost)"  # several instances on one platform are told apart
    assert sent["initiate_login_uri"] == "http://localhost/lti/login"
    assert sent["redirect_uris"] == ["http://localhost/lti/launch"]
    assert sent["jwks_uri"] == "http://localhost/lti/jwks"
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    conf = sent[TOOL_CONFIGURATION]
    assert conf["domain"] == "localhost" and conf["target_link_uri"] == "http://localhost/lti/launch"
    assert {m["type"] for m in conf["messages"]} == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    assert "email" not in conf["claims"] and "given_name" in conf["claims"]
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"].split()
    assert "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly" in sent["scope"].split()
    assert conf["custom_parameters"] == {"context_history": "$Context.id.history"}

    with dyn_tool.sessions()() as session:
        regs = [r for r in list_registrations(session) if r.issuer == moodle.issuer]
    assert len(regs) == 1
    reg = regs[0]
    assert reg.client_id == client_id and reg.deployment_ids == {str(tool_type["type_id"])}
    assert reg.auth_login_url == moodle.issuer + "/mod/lti/auth.php"
    assert reg.auth_token_url == moodle.issuer + "/mod/lti/token.php"
    assert reg.keyset_url == moodle.issuer + "/mod/lti/certs.php"
    assert reg.active

    moodle.adopt(client_id, str(tool_type["type_id"]))
    launch = dyn_tool.launch(platform=moodle)
    assert launch.status_code in (302, 303), launch.text
    assert dyn_tool.count(moodle.issuer)["accounts"] == 1


def test_older_moodle_without_authorization_endpoint_falls_back_to_auth_php(sqlite_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    moodle.config_overrides["authorization_endpoint"] = None
    assert _start(sqlite_tool, moodle).status_code == 200
    with sqlite_tool.sessions()() as session:
        reg, = [r for r in list_registrations(session) if r.issuer == moodle.issuer]
    assert reg.auth_login_url == moodle.issuer + "/mod/lti/auth.php"


def test_a_used_token_is_refused_by_the_tool_before_asking_the_platform(dyn_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    token = moodle.new_registration_token()
    assert _start(dyn_tool, moodle, token).status_code == 200
    before = _counts(dyn_tool)
    again = _start(dyn_tool, moodle, token)
    assert again.status_code == 409
    assert "déjà servi" in again.text and "token_used" in again.text
    assert len(moodle.received) == 1  # the platform was not asked again
    assert _counts(dyn_tool) == before


def test_platform_refusing_a_used_token_is_shown_and_nothing_is_stored(sqlite_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    token = moodle.new_registration_token()
    moodle.tools[moodle.tokens[token]] = {"state": "pending"}  # used elsewhere (another tool instance)
    before = _counts(sqlite_tool)
    response = _start(sqlite_tool, moodle, token)
    assert response.status_code == 409
    assert "token_already_used" in response.text and "Enregistrement impossible" in response.text
    assert _counts(sqlite_tool) == before


def test_bad_token_is_refused_by_the_platform_with_its_message(sqlite_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    before = _counts(sqlite_tool)
    response = _start(sqlite_tool, moodle, "forged-token")
    assert response.status_code == 400
    assert "Invalid token" in response.text and "platform_refused" in response.text
    assert _counts(sqlite_tool) == before
    # a refused token was not consumed on our side: once fixed on the platform, the same URL can be retried
    moodle.tokens["forged-token"] = "client-x"
    assert _start(sqlite_tool, moodle, "forged-token").status_code == 200


def test_missing_token_is_refused_by_moodle(sqlite_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    response = _start(sqlite_tool, moodle, token="")
    assert response.status_code == 401 and "missing_registration_token" in response.text
    assert _counts(sqlite_tool)[0] == 1  # only the fixture's own registration


def test_issuer_on_another_host_is_refused_without_posting(sqlite_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    moodle.config_overrides["issuer"] = "https://evil.example.org"
    before = _counts(sqlite_tool)
    response = _start(sqlite_tool, moodle)
    assert response.status_code == 400 and "issuer_mismatch" in response.text
    assert moodle.received == [] and _counts(sqlite_tool) == before


@pytest.mark.parametrize("field, value", [
    ("token_endpoint", "http://moodle.example.org/mod/lti/token.php"),
    ("jwks_uri", "/mod/lti/certs.php"),
    ("registration_endpoint", None),
])
def test_endpoints_must_be_absolute_https(sqlite_tool: Tool, field: str, value: str | None) -> None:
    moodle = MoodleLikePlatform()
    moodle.config_overrides[field] = value
    response = _start(sqlite_tool, moodle)
    assert response.status_code == 400  # a configuration that cannot be used is bad input, not a gateway error
    assert moodle.received == [] and _counts(sqlite_tool)[0] == 1


def test_configuration_url_must_be_https_except_on_localhost(sqlite_tool: Tool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PIX_LTI_DYNREG_ALLOWED_HOSTS", "moodle.example.org")
    response = sqlite_tool.client.get("/lti/register", params={
        "openid_configuration": "http://moodle.example.org/mod/lti/openid-configuration.php",
        "registration_token": "t"})
    assert response.status_code == 400 and "insecure_endpoint" in response.text


def test_unreachable_platform_is_reported_and_token_stays_usable(dyn_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    moodle.unreachable = True
    token = moodle.new_registration_token()
    before = _counts(dyn_tool)
    response = _start(dyn_tool, moodle, token)
    assert response.status_code == 400 and "pas pu être lue à cette adresse" in response.text
    assert _counts(dyn_tool) == before
    moodle.unreachable = False
    assert _start(dyn_tool, moodle, token).status_code == 200


def test_missing_configuration_parameter_explains_where_to_paste_the_url(sqlite_tool: Tool) -> None:
    response = sqlite_tool.client.get("/lti/register")
    assert response.status_code == 400
    assert "http://localhost/lti/register" in response.text


@pytest.mark.parametrize("mutate, message", [
    (lambda p: p[TOOL_CONFIGURATION].update(domain="other.example.org"), "domain_targetlinkuri_mismatch"),
    (lambda p: p.pop("jwks_uri"), "missing required attribute jwks_uri"),
    (lambda p: p.update(token_endpoint_auth_method="client_secret_basic"), "invalid_token_endpoint_auth_method"),
    (lambda p: p.update(scope=p["scope"] + " https://example.org/scope/everything"), "invalid_scope"),
])
def test_the_moodle_like_platform_enforces_its_rules(mutate: Any, message: str) -> None:
    """The test platform itself refuses what Moodle refuses (so the success test above means something)."""
    import json

    import httpx

    from lti_tool.dynreg.configuration import parse_configuration
    from lti_tool.dynreg.payload import build_registration
    from lti_tool.dynreg.tool_profile import ToolUrls

    moodle = MoodleLikePlatform()
    payload = build_registration(ToolUrls("http://localhost"),
                                 parse_configuration(moodle.configuration_url, moodle.configuration()))
    mutate(payload)
    token = moodle.new_registration_token()
    request = httpx.Request("POST", moodle.issuer + moodle.registration_path, content=json.dumps(payload),
                            headers={"Authorization": f"Bearer {token}"})
    response = moodle.handle(request)
    assert response.status_code == 400 and response.text == message


def test_platform_refusal_message_is_shown(sqlite_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    original = moodle.validate

    def refuse(payload: dict[str, Any]) -> dict[str, Any]:
        original(payload)
        from tests.dynreg.moodle_like_platform import RegistrationRefused
        raise RegistrationRefused("invalid_application_type")

    moodle.validate = refuse  # type: ignore[method-assign]
    response = _start(sqlite_tool, moodle)
    assert response.status_code == 400 and "invalid_application_type" in response.text
    assert _counts(sqlite_tool)[0] == 1


def test_loose_platform_registration_then_launch(sqlite_tool: Tool) -> None:
    lms = LooseSpecPlatform()
    response = _start(sqlite_tool, lms)
    assert response.status_code == 200, response.text
    assert "Gérer les outils" not in response.text
    sent = lms.received[0]
    assert [m["type"] for m in sent[TOOL_CONFIGURATION]["messages"]] == ["LtiResourceLinkRequest"]
    (client_id, tool_type), = lms.tools.items()
    lms.adopt(client_id, str(tool_type["type_id"]))
    assert sqlite_tool.launch(platform=lms).status_code in (302, 303)


def test_loose_platform_without_deployment_id_asks_the_admin_to_add_it(sqlite_tool: Tool) -> None:
    lms = LooseSpecPlatform(with_deployment=False)
    response = _start(sqlite_tool, lms)
    assert response.status_code == 200
    assert "non fourni par la plateforme" in response.text and "deployment-add" in response.text
    with sqlite_tool.sessions()() as session:
        reg, = [r for r in list_registrations(session) if r.issuer == lms.issuer]
    assert reg.deployment_ids == frozenset()


def test_successful_registration_is_in_the_audit_log(sqlite_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    _start(sqlite_tool, moodle)
    with sqlite_tool.sessions()() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.dynamic")).one()
    assert entry.actor == "enregistrement dynamique"
    assert entry.details["issuer"] == moodle.issuer and entry.details["product"] == "moodle"


def test_the_registration_page_may_be_framed_by_the_platform_being_registered(sqlite_tool: Tool) -> None:
    moodle = MoodleLikePlatform()
    response = _start(sqlite_tool, moodle)
    csp = response.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {moodle.issuer};" in csp
    refused = sqlite_tool.client.get("/lti/register",
                                     params={"openid_configuration": "https://x.test/c'; script-src *"})
    assert "script-src" not in refused.headers["content-security-policy"].split(";")[0]


def test_an_expired_moodle_token_is_refused_clearly_without_asking_the_platform(sqlite_tool: Tool) -> None:
    import time

    from jose import jwt

    moodle = MoodleLikePlatform()
    expired = jwt.encode({"sub": "client-z", "scope": "reg", "iat": int(time.time()) - 7200,
                          "exp": int(time.time()) - 3600}, moodle.key.pem, algorithm="RS256")
    moodle.tokens[expired] = "client-z"
    response = _start(sqlite_tool, moodle, expired)
    assert response.status_code == 400 and "expiré" in response.text and "token_expired" in response.text
    assert moodle.received == [] and _counts(sqlite_tool)[0] == 1


def test_an_html_error_page_from_the_platform_is_shown_as_text(sqlite_tool: Tool) -> None:
    import httpx

    moodle = MoodleLikePlatform()
    moodle.register = lambda request: httpx.Response(  # type: ignore[method-assign]
        500, headers={"content-type": "text/html"},
        text="<html><head><style>p{}</style></head><body><p>Exception - Signature verification failed</p>"
             "</body></html>")
    response = _start(sqlite_tool, moodle)
    assert response.status_code == 400
    assert "Exception - Signature verification failed" in response.text and "&lt;p&gt;" not in response.text


def test_an_allow_list_limits_which_platforms_may_register(sqlite_tool: Tool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    moodle = MoodleLikePlatform()
    monkeypatch.setenv("PIX_LTI_DYNREG_ALLOWED_HOSTS", "moodle.lycee-exemple.fr *.ac-exemple.fr")
    refused = _start(sqlite_tool, moodle)
    assert refused.status_code == 403 and "platform_pending_approval" in refused.text and moodle.received == []
    monkeypatch.setenv("PIX_LTI_DYNREG_ALLOWED_HOSTS", "*.platform.test")
    assert _start(sqlite_tool, moodle).status_code == 200


def test_dynamic_registration_can_be_turned_off(sqlite_tool: Tool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PIX_LTI_DYNREG_ENABLED", "false")
    moodle = MoodleLikePlatform()
    response = _start(sqlite_tool, moodle)
    assert response.status_code == 403 and "désactivé" in response.text and moodle.received == []


def test_a_token_being_used_by_another_request_is_refused(sqlite_tool: Tool) -> None:
    from lti_tool.dynreg.service import token_hash

    moodle = MoodleLikePlatform()
    token = moodle.new_registration_token()
    store = sqlite_tool.client.app.state.tool.store
    sqlite_tool.client.portal.call(  # type: ignore[attr-defined]
        lambda: store.set_nx(f"dynreg:token:{token_hash(token)}", "1", 60))
    response = _start(sqlite_tool, moodle, token)
    assert response.status_code == 409 and "registration_in_progress" in response.text
    assert moodle.received == []


@pytest.mark.parametrize("base", ["http://localhost", "https://pix.example.org", "http://127.0.0.1:8000",
                                  "https://www.Pix.Lycee.fr/sub/", "https://pix.example.org:443"])
def test_declared_domain_is_what_moodle_extracts_from_the_target_link_uri(base: str) -> None:
    from lti_tool.dynreg.tool_profile import ToolUrls
    from tests.dynreg.moodle_like_platform import moodle_domain

    urls = ToolUrls(base)
    assert moodle_domain(urls.domain) == moodle_domain(urls.target_link_uri) == urls.domain


def test_the_registration_page_follows_an_english_browser_and_the_configured_name(
        dyn_tool: Tool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIX_LTI_DYNREG_TOOL_NAME", "Pix du lycée")
    moodle = MoodleLikePlatform()
    dyn_tool.platforms.append(moodle)
    query = {"openid_configuration": moodle.configuration_url, "registration_token": moodle.new_registration_token()}
    response = dyn_tool.client.get("/lti/register", params=query, headers={"accept-language": "en-GB,en;q=0.9"})
    assert response.status_code == 200, response.text
    text = html.unescape(response.text)
    assert '<html lang="en">' in text and "Pix du lycée is registered" in text
    assert "Manage tools" in text and "not shown in the activity chooser" in text
    assert moodle.received[0]["client_name"] == "Pix du lycée"
    refused = dyn_tool.client.get("/lti/register", params=query, headers={"accept-language": "en"})
    assert refused.status_code == 409 and "This registration link was already used." in refused.text
