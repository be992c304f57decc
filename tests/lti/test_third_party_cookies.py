"""Launches inside an LMS iframe when the browser refuses the tool's cookies: the cookie check page
(pylti1p3's, in French) and the new-window restart. A launch is never lost silently, and a launch
without its state cookie is never accepted on the server-side state alone (login CSRF)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin

from lti_tool.launch.login import ToolOIDCLogin, cookies_check_page
from lti_tool.launch.message_launch import ToolMessageLaunch
from tests.lti.conftest import LAUNCH_URL, Tool


def _login_params(tool: Tool) -> dict[str, str]:
    platform = tool.platform
    return {"iss": platform.issuer, "login_hint": "hint-1", "target_link_uri": LAUNCH_URL,
            "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id,
            "lti_message_hint": '{"cmid":1}'}


def test_the_launch_path_is_pylti1p3() -> None:
    assert issubclass(ToolMessageLaunch, MessageLaunch) and issubclass(ToolOIDCLogin, OIDCLogin)


def test_login_inside_an_iframe_first_checks_cookies_in_french(tool: Tool) -> None:
    response = tool.client.get("/lti/login", params=_login_params(tool), headers={"sec-fetch-dest": "iframe"},
                               follow_redirects=False)
    assert response.status_code == 200
    page = response.text
    assert '<html lang="fr">' in page and "nouvelle fenêtre" in page
    assert "lti1p3_new_window" in page
    assert '<script src="/static/outil/cookies.js">' in page and "<script>" not in page  # no inline script (CSP)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert tool.client.get("/static/outil/cookies.js").status_code == 200
    assert "set-cookie" not in response.headers  # nothing stored before the browser proves it keeps cookies


def test_on_https_the_cookie_check_tests_a_partitioned_cookie() -> None:
    page = cookies_check_page({"iss": "https://p.test/<x>"}, True, "bloqué", "ouvrir", "…")
    assert 'data-cookie-attributes="; SameSite=None; Secure; Partitioned"' in page
    assert "&lt;x&gt;" in page and "<x>" not in page


def test_after_the_cookie_check_the_login_redirects_to_the_platform(tool: Tool) -> None:
    params = _login_params(tool) | {"lti1p3_new_window": "1"}
    response = tool.client.get("/lti/login", params=params, headers={"sec-fetch-dest": "iframe"},
                               follow_redirects=False)
    assert response.status_code == 302
    query = tool.platform.authorize(response.headers["location"], LAUNCH_URL)
    token = tool.platform.sign(tool.platform.claims(query["nonce"]))
    assert tool.post_launch(token, query["state"]).status_code == 303


def test_top_level_login_skips_the_cookie_check(tool: Tool) -> None:
    response = tool.client.get("/lti/login", params=_login_params(tool), headers={"sec-fetch-dest": "document"},
                               follow_redirects=False)
    assert response.status_code == 302


def test_launch_without_its_state_cookie_offers_a_new_window_and_creates_nothing(tool: Tool) -> None:
    query = tool.login()
    token = tool.platform.sign(tool.platform.claims(query["nonce"]))
    tool.client.cookies.clear()  # the iframe refused the state cookie
    response = tool.post_launch(token, query["state"])
    assert response.status_code == 400
    assert "Code : cookies_blocked" in response.text and "nouvelle fenêtre" in response.text
    assert "pix_lti_session" not in response.headers.get("set-cookie", "")
    assert tool.count(tool.platform.issuer) == {"accounts": 0, "courses": 0, "activities": 0}

    link = response.text.split('class="button" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    restart = parse_qs(urlparse(link).query)
    assert restart["lti1p3_new_window"] == ["1"] and restart["iss"] == [tool.platform.issuer]
    assert restart["lti_message_hint"] == ['{"cmid":1}']

    # the same id_token cannot be replayed: its state was consumed
    assert "state_unknown_or_used" in tool.post_launch(token, query["state"]).text

    # in the new window, cookies are first-party: the restarted login goes through
    login = tool.client.get(urlparse(link).path, params={k: v[0] for k, v in restart.items()},
                            follow_redirects=False)
    assert login.status_code == 302
    again = tool.platform.authorize(login.headers["location"], LAUNCH_URL)
    launched = tool.post_launch(tool.platform.sign(tool.platform.claims(again["nonce"])), again["state"])
    assert launched.status_code == 303
    assert tool.count(tool.platform.issuer)["accounts"] == 1


def test_state_cookie_is_dropped_once_used(tool: Tool) -> None:
    query = tool.login()
    assert any(name.startswith("lti1p3-state-") for name in tool.client.cookies)
    response = tool.post_launch(tool.platform.sign(tool.platform.claims(query["nonce"])), query["state"])
    assert response.status_code == 303
    assert f"lti1p3-{query['state']}=;" in response.headers.get("set-cookie", "").replace('""', "")


def test_saved_launch_keeps_no_email(tool: Tool) -> None:
    def add_email(claims: dict) -> None:
        claims["email"] = "camille@example.org"

    response = tool.launch(add_email)
    launch_id = parse_qs(urlparse(response.headers["location"]).query)["lt"][0]
    state = tool.client.app.state.tool
    codec_data = state.codec.loads(launch_id, 3600)
    raw = tool.client.portal.call(state.store.get, f"launch:{codec_data.launch_id}")
    saved = json.loads(raw)
    assert saved["sub"] == "user-1" and "email" not in saved["claims"]
    assert "camille@example.org" not in raw
