"""Single logout with the GAR, front-channel (HTTP-Redirect), against the Shibboleth-shaped IdP: the ENT's
LogoutRequest ends the tool's session (even without the browser's cookie), the tool's own logout goes through
the IdP and back; unsigned, weakly signed, forged, replayed or unsolicited messages are refused."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ent_gar_connector.sp_keys import generate_key_pair
from tests.gar.conftest import BASE, SCHOOL, Gar, student, teacher
from tests.gar.idp import SLO_URL
from tests.gar.shibboleth_idp import RSA_SHA1, Issued, Shape, ShibbolethIdp, read_redirect, verify_redirect_signature

SP_ENTITY = BASE + "/gar/metadata"
SP_SLO = BASE + "/gar/slo"


@pytest.fixture
def subscribed(gar: Gar) -> Gar:
    gar.subscribe(SCHOOL)
    return gar


def _login(gar: Gar, shib: ShibbolethIdp, attributes: dict) -> tuple[str, Issued]:
    request_id, acs, relay = gar.start()
    issued = shib.response(request_id, acs, SP_ENTITY, attributes, Shape())
    response = gar.post(issued.xml, relay)
    assert response.status_code == 303, response.text
    return gar.client.cookies["pix_lti_session"], issued


def _browser_with(gar: Gar, cookie: str | None) -> None:
    gar.client.cookies.clear()
    if cookie:
        gar.client.cookies.set("pix_lti_session", cookie)


def _page_with(gar: Gar, cookie: str, path: str = "/profil") -> int:
    _browser_with(gar, cookie)
    return gar.client.get(path).status_code


def _slo(gar: Gar, url: str, with_cookie: str | None = None) -> httpx.Response:
    _browser_with(gar, with_cookie)
    return gar.client.get(url.replace(BASE, ""), follow_redirects=False)


def test_logout_from_the_ent_ends_the_session_and_answers_the_idp(subscribed: Gar, shib: ShibbolethIdp) -> None:
    cookie, issued = _login(subscribed, shib, student())
    assert _page_with(subscribed, cookie) == 200
    request_id, url = shib.logout_request(SP_SLO, issued.name_id, issued.session_index, SP_ENTITY,
                                          relay_state="retour-ent")
    response = _slo(subscribed, url, with_cookie=cookie)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(SLO_URL)
    xml, query = read_redirect(location)
    assert "LogoutResponse" in xml and f'InResponseTo="{request_id}"' in xml and "status:Success" in xml
    assert query["RelayState"] == "retour-ent"
    assert verify_redirect_signature(location, subscribed.keys / "sp-cert.pem")
    assert 'pix_lti_session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    assert _page_with(subscribed, cookie) == 401


def test_logout_from_the_ent_ends_the_session_when_the_browser_sends_no_cookie(subscribed: Gar,
                                                                               shib: ShibbolethIdp) -> None:
    """The IdP's logout page loads each SP in an iframe, where third-party cookies are often blocked."""
    cookie, issued = _login(subscribed, shib, student())
    _, url = shib.logout_request(SP_SLO, issued.name_id, issued.session_index, SP_ENTITY)
    assert _slo(subscribed, url).status_code == 302
    assert _page_with(subscribed, cookie) == 401


def test_logout_of_another_person_leaves_this_session_open(subscribed: Gar, shib: ShibbolethIdp) -> None:
    cookie, _ = _login(subscribed, shib, student())
    _, url = shib.logout_request(SP_SLO, "AAdzZWNyZXQxsomeoneelse", "_other", SP_ENTITY)
    assert _slo(subscribed, url).status_code == 302
    assert _page_with(subscribed, cookie) == 200


@pytest.mark.parametrize(("variant", "code"), [("unsigned", "gar_logout_unsigned"), ("sha1", "gar_weak_signature"),
                                                ("other_key", "gar_bad_signature"), ("tampered", "gar_bad_signature")])
def test_hostile_logout_requests_are_refused_and_the_session_stays(subscribed: Gar, shib: ShibbolethIdp,
                                                                   tmp_path: Path, variant: str, code: str) -> None:
    cookie, issued = _login(subscribed, shib, student())
    sender = shib
    if variant == "other_key":
        generate_key_pair(tmp_path / "k.pem", tmp_path / "c.pem", "impostor")
        sender = ShibbolethIdp(shib.entity_id, tmp_path / "k.pem", tmp_path / "c.pem", shib.sp_cert_file, SLO_URL)
    _, url = sender.logout_request(SP_SLO, issued.name_id, issued.session_index, SP_ENTITY, relay_state="r",
                                   sign=variant != "unsigned", sign_alg=RSA_SHA1 if variant == "sha1" else
                                   "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    if variant == "tampered":
        url = url.replace("RelayState=r", "RelayState=s")
    response = _slo(subscribed, url)
    assert response.status_code == 400 and f"Code : {code}" in response.text, response.text
    assert _page_with(subscribed, cookie) == 200


def test_replayed_logout_request_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    _, issued = _login(subscribed, shib, student())
    _, url = shib.logout_request(SP_SLO, issued.name_id, issued.session_index, SP_ENTITY)
    assert _slo(subscribed, url).status_code == 302
    again = _slo(subscribed, url)
    assert again.status_code == 400 and "Code : gar_logout_replayed" in again.text


def test_logout_request_for_another_service_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    cookie, issued = _login(subscribed, shib, student())
    _, url = shib.logout_request("https://other.example/slo", issued.name_id, issued.session_index, SP_ENTITY)
    response = _slo(subscribed, url.replace("https://other.example/slo", SP_SLO))
    assert response.status_code == 400 and "Code : gar_wrong_destination" in response.text
    assert _page_with(subscribed, cookie) == 200


def _log_out_in_the_tool(gar: Gar, cookie: str) -> httpx.Response:
    codec = gar.client.app.state.tool.codec
    csrf = codec.csrf_token(codec.loads(cookie, 3600))
    _browser_with(gar, cookie)
    return gar.client.post("/gar/deconnexion", data={"csrf": csrf}, follow_redirects=False)


def test_logout_in_the_tool_goes_through_the_idp_and_back(subscribed: Gar, shib: ShibbolethIdp) -> None:
    cookie, issued = _login(subscribed, shib, teacher())
    response = _log_out_in_the_tool(subscribed, cookie)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(SLO_URL) and verify_redirect_signature(location, subscribed.keys / "sp-cert.pem")
    xml, _ = read_redirect(location)
    assert "LogoutRequest" in xml and issued.name_id in xml and issued.session_index in xml
    assert _page_with(subscribed, cookie, "/gar/classes") == 401  # ended before the IdP answers
    request_id = xml.split(' ID="', 1)[1].split('"', 1)[0]
    answer = _slo(subscribed, shib.logout_response(SP_SLO, request_id))
    assert answer.status_code == 200 and "a confirmé la déconnexion" in answer.text
    replay = _slo(subscribed, shib.logout_response(SP_SLO, request_id))
    assert replay.status_code == 400 and "Code : gar_logout_unsolicited" in replay.text


def test_logout_response_never_asked_for_or_unsigned_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    unsolicited = _slo(subscribed, shib.logout_response(SP_SLO, "_never-sent"))
    assert unsolicited.status_code == 400 and "Code : gar_logout_unsolicited" in unsolicited.text
    unsigned = _slo(subscribed, shib.logout_response(SP_SLO, "_never-sent", sign=False))
    assert unsigned.status_code == 400 and "Code : gar_logout_unsigned" in unsigned.text


def test_logout_button_needs_the_form_token(subscribed: Gar, shib: ShibbolethIdp) -> None:
    cookie, _ = _login(subscribed, shib, teacher())
    _browser_with(subscribed, cookie)
    forged = subscribed.client.post("/gar/deconnexion", data={"csrf": "x"})
    assert forged.status_code == 403
    assert _page_with(subscribed, cookie, "/gar/classes") == 200


def test_garbage_on_the_logout_service_is_refused(subscribed: Gar) -> None:
    for query in ("", "?SAMLRequest=%%%", "?SAMLRequest=a&SAMLResponse=b", "?SAMLRequest=a&SigAlg=x&Signature=y"):
        response = subscribed.client.get("/gar/slo" + query)
        assert response.status_code == 400, (query, response.text)


def test_the_signed_out_page_follows_the_browsers_language(subscribed: Gar, shib: ShibbolethIdp) -> None:
    cookie, _ = _login(subscribed, shib, teacher())
    location = _log_out_in_the_tool(subscribed, cookie).headers["location"]
    xml, _ = read_redirect(location)
    request_id = xml.split(' ID="', 1)[1].split('"', 1)[0]
    subscribed.client.headers["Accept-Language"] = "en-GB,en;q=0.9"
    answer = _slo(subscribed, shib.logout_response(SP_SLO, request_id))
    assert answer.status_code == 200 and '<html lang="en">' in answer.text
    assert "You are signed out of Pix LTI" in answer.text and "confirmed the sign-out" in answer.text
