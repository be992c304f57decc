"""1EdTech "known bad payloads": each is refused with a French page and a precise 4xx; nothing is created."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from jose import jwt

from tests.lti.conftest import Tool
from tests.lti.platform import DL, LTI, PlatformKey


def _drop(*names: str) -> Callable[[dict[str, Any]], None]:
    def mutate(claims: dict[str, Any]) -> None:
        for name in names:
            claims.pop(name, None)
    return mutate


def _set(name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(claims: dict[str, Any]) -> None:
        claims[name] = value
    return mutate


def _link_without_id(claims: dict[str, Any]) -> None:
    claims[LTI + "resource_link"] = {"title": "sans id"}


BAD_CLAIMS: dict[str, tuple[Callable[[dict[str, Any]], None], int, str]] = {
    "missing LTI version": (_drop(LTI + "version"), 400, "bad_version"),
    "wrong LTI version": (_set(LTI + "version", "1.1"), 400, "bad_version"),
    "missing message type": (_drop(LTI + "message_type"), 400, "bad_message_type"),
    "unknown message type": (_set(LTI + "message_type", "LtiFooRequest"), 400, "bad_message_type"),
    "missing roles": (_drop(LTI + "roles"), 400, "no_roles"),
    "missing deployment id": (_drop(LTI + "deployment_id"), 400, "no_deployment"),
    "unknown deployment id": (_set(LTI + "deployment_id", "dep-unknown"), 403, "unknown_deployment"),
    "missing resource link": (_drop(LTI + "resource_link"), 400, "no_resource_link"),
    "resource link without id": (_link_without_id, 400, "no_resource_link"),
    "missing target link uri": (_drop(LTI + "target_link_uri"), 400, "no_target_link_uri"),
    "missing sub": (_drop("sub"), 400, "no_sub"),
    "empty sub": (_set("sub", ""), 400, "no_sub"),
    "missing exp": (_drop("exp"), 400, "missing_claim"),
    "missing iat": (_drop("iat"), 400, "missing_claim"),
    "expired beyond leeway": (_set("exp", int(time.time()) - 120), 400, "expired"),
    "iat in the future": (_set("iat", int(time.time()) + 3600), 400, "iat_in_future"),
    "missing iss": (_drop("iss"), 400, "missing_claim"),
    "wrong iss": (_set("iss", "https://evil.test"), 400, "bad_claims"),
    "missing aud": (_drop("aud"), 400, "missing_claim"),
    "wrong aud": (_set("aud", "someone-else"), 400, "bad_claims"),
    "several aud without azp": (_set("aud", ["pix-client", "other"]), 400, "bad_azp"),
    "wrong azp": (_set("azp", "other"), 400, "bad_azp"),
    "missing nonce": (_drop("nonce"), 400, "bad_nonce"),
    "other nonce": (_set("nonce", "not-the-one"), 400, "bad_nonce"),
}


def _assert_refused(tool: Tool, response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert "Lancement refusé" in response.text and "Que faire" in response.text
    assert f"Code : {code}" in response.text
    assert "pix_lti_session" not in response.headers.get("set-cookie", "")
    assert tool.count(tool.platform.issuer) == {"accounts": 0, "courses": 0, "activities": 0}


@pytest.mark.parametrize("label", list(BAD_CLAIMS))
def test_bad_claims_are_refused(tool: Tool, label: str) -> None:
    mutate, status, code = BAD_CLAIMS[label]
    _assert_refused(tool, tool.launch(mutate), status, code)


def test_deep_linking_without_settings_is_refused(tool: Tool) -> None:
    response = tool.launch(_drop(DL + "deep_linking_settings"), message_type="LtiDeepLinkingRequest")
    _assert_refused(tool, response, 400, "no_dl_settings")


def test_deep_linking_that_cannot_take_resource_links_is_refused(tool: Tool) -> None:
    def files_only(claims: dict[str, Any]) -> None:
        claims[DL + "deep_linking_settings"]["accept_types"] = ["file"]

    response = tool.launch(files_only, message_type="LtiDeepLinkingRequest")
    _assert_refused(tool, response, 400, "no_dl_settings")
    assert "resource link" in response.text  # pylti1p3's own validator said why


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _token_variants(tool: Tool, claims: dict[str, Any]) -> dict[str, tuple[str, int, str]]:
    kid = tool.platform.key.kid
    stranger = PlatformKey()
    return {
        "no kid": (tool.platform.sign(claims, headers={}), 400, "no_kid"),
        "wrong kid": (tool.platform.sign(claims, headers={"kid": "nope"}), 400, "unknown_kid"),
        "signed by another key under the right kid": (
            jwt.encode(claims, stranger.pem, algorithm="RS256", headers={"kid": kid}), 400, "bad_signature"),
        "alg none": (_b64({"alg": "none", "typ": "JWT", "kid": kid}) + "." + _b64(claims) + ".", 400, "bad_alg"),
        "HS256 with the public key as secret": (
            jwt.encode(claims, json.dumps(tool.platform.key.public_jwk), algorithm="HS256", headers={"kid": kid}),
            400, "bad_alg"),
        "RS512": (jwt.encode(claims, tool.platform.key.pem, algorithm="RS512", headers={"kid": kid}), 400, "bad_alg"),
        "malformed JWT": ("not.a.jwt", 400, "malformed_jwt"),
        "garbage": ("%%%", 400, "malformed_jwt"),
        "tampered payload": (_tamper(tool.platform.sign(claims)), 400, "bad_signature"),
    }


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "admin"
    return f"{header}.{_b64(claims)}.{signature}"


VARIANTS = ["no kid", "wrong kid", "signed by another key under the right kid", "alg none",
            "HS256 with the public key as secret", "RS512", "malformed JWT", "garbage", "tampered payload"]


@pytest.mark.parametrize("label", VARIANTS)
def test_bad_tokens_are_refused(tool: Tool, label: str) -> None:
    query = tool.login()
    token, status, code = _token_variants(tool, tool.platform.claims(query["nonce"]))[label]
    _assert_refused(tool, tool.post_launch(token, query["state"]), status, code)


def test_missing_id_token_and_state(tool: Tool) -> None:
    query = tool.login()
    _assert_refused(tool, tool.post_launch(None, query["state"]), 400, "no_id_token")
    token = tool.platform.sign(tool.platform.claims(tool.login()["nonce"]))
    _assert_refused(tool, tool.post_launch(token, None), 400, "no_state")
    tool.client.cookies.clear()  # a browser without state cookies (third-party cookies blocked)
    _assert_refused(tool, tool.post_launch(token, "forged-state"), 400, "state_unknown_or_used")


def test_state_of_another_browser_is_refused(tool: Tool) -> None:
    mine = tool.login()
    theirs_state = "x" + mine["state"]  # a state this browser never started
    token = tool.platform.sign(tool.platform.claims(mine["nonce"]))
    _assert_refused(tool, tool.post_launch(token, theirs_state), 400, "state_mismatch")


def test_login_refusals(tool: Tool) -> None:
    response = tool.client.post("/lti/login", data={"iss": tool.platform.issuer}, follow_redirects=False)
    assert response.status_code == 400 and "login_hint" in response.text
    response = tool.client.post("/lti/login", data={
        "iss": "https://unknown.test", "login_hint": "h", "target_link_uri": "http://localhost/lti/launch",
    }, follow_redirects=False)
    assert response.status_code == 403 and "unknown_platform" in response.text
    response = tool.client.post("/lti/login", data={
        "iss": tool.platform.issuer, "login_hint": "h", "target_link_uri": "x", "client_id": tool.platform.client_id,
        "lti_deployment_id": "nope"}, follow_redirects=False)
    assert response.status_code == 403 and "unknown_deployment" in response.text


def test_bad_input_never_gives_5xx(tool: Tool) -> None:
    client = tool.client
    assert client.get("/lti/launch").status_code == 405
    multipart = {"content-type": "multipart/form-data"}
    assert client.post("/lti/launch", content=b"\x00\xff", headers=multipart).status_code < 500
    assert client.post("/lti/launch", content=b"garbage").status_code == 400
    assert client.get("/activites/abc").status_code == 400
    assert client.get("/activites/1?lt=forged").status_code == 401
    assert client.get("/lti/selection/x?lt=forged").status_code == 401
    assert client.get("/nowhere").status_code == 404
