"""Replays, clock skew, key rotation on the platform side and on the tool side."""

from __future__ import annotations

import time

from typer.testing import CliRunner

from tests.lti.conftest import Tool
from tests.lti.platform import Platform


def test_same_id_token_posted_twice_is_refused(any_tool: Tool) -> None:
    query = any_tool.login()
    token = any_tool.platform.sign(any_tool.platform.claims(query["nonce"]))
    assert any_tool.post_launch(token, query["state"]).status_code == 303
    again = any_tool.post_launch(token, query["state"])
    assert again.status_code == 400 and "state_unknown_or_used" in again.text


def test_nonce_replayed_with_a_fresh_state_is_refused(any_tool: Tool) -> None:
    """An attacker re-signing is impossible; but a platform reusing a nonce across states must be refused."""
    first = any_tool.login()
    token = any_tool.platform.sign(any_tool.platform.claims(first["nonce"]))
    assert any_tool.post_launch(token, first["state"]).status_code == 303
    second = any_tool.login()
    store = any_tool.client.app.state.tool.store
    # make the second state carry the first nonce, as a replaying platform/attacker would need
    import json

    raw = any_tool.client.portal.call(store.get, f"state:{second['state']}")  # type: ignore[union-attr]
    record = json.loads(raw)
    record["nonce"] = first["nonce"]
    any_tool.client.portal.call(store.set, f"state:{second['state']}", json.dumps(record), 60)  # type: ignore[union-attr]
    replay = any_tool.post_launch(any_tool.platform.sign(any_tool.platform.claims(first["nonce"])), second["state"])
    assert replay.status_code == 400 and "nonce_replayed" in replay.text


def test_clock_skew_within_leeway_is_accepted(tool: Tool) -> None:
    assert tool.launch(now=time.time() + 45, sub="ahead").status_code == 303

    def expired_recently(claims: dict) -> None:
        claims["iat"], claims["exp"] = int(time.time()) - 400, int(time.time()) - 30

    assert tool.launch(expired_recently, sub="behind").status_code == 303


def test_clock_skew_beyond_leeway_is_refused(tool: Tool) -> None:
    response = tool.launch(now=time.time() + 200, sub="far-ahead")
    assert response.status_code == 400 and "iat_in_future" in response.text

    def expired(claims: dict) -> None:
        claims["iat"], claims["exp"] = int(time.time()) - 400, int(time.time()) - 90

    response = tool.launch(expired, sub="far-behind")
    assert response.status_code == 400 and "expired" in response.text


def test_platform_key_rotation_triggers_one_refetch(tool: Tool) -> None:
    assert tool.launch(sub="before").status_code == 303
    assert tool.platform.jwks_requests == 1
    assert tool.launch(sub="cached").status_code == 303
    assert tool.platform.jwks_requests == 1  # cached
    tool.platform.rotate(keep_old=False)
    assert tool.launch(sub="after").status_code == 303
    assert tool.platform.jwks_requests == 2  # refetched once on the unknown kid


def test_unknown_kid_refetch_is_rate_limited(tool: Tool) -> None:
    assert tool.launch(sub="warm").status_code == 303
    for _ in range(3):
        response = tool.launch(sign={"headers": {"kid": "never-published"}})
        assert response.status_code == 400 and "unknown_kid" in response.text
    assert tool.platform.jwks_requests == 2  # one refetch, then rate-limited


def test_tool_key_rotation_keeps_previous_key_published(tool: Tool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = {k["kid"] for k in tool.client.get("/lti/jwks").json()["keys"]}
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", tool.settings.database_url)
    from pix_lti.cli import app

    result = CliRunner().invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    after = {k["kid"] for k in tool.client.get("/.well-known/jwks.json").json()["keys"]}
    assert before < after and len(after) == len(before) + 1
    assert tool.launch(sub="after-tool-rotation").status_code == 303


def test_tool_key_leaves_jwks_after_grace_period(tmp_path, platform: Platform) -> None:  # type: ignore[no-untyped-def]
    from core.settings import Settings
    from lti_tool import keys
    from tests.lti.conftest import _tool

    settings = Settings(database_url=f"sqlite:///{tmp_path}/g.sqlite3", key_grace_seconds=0)
    for tool in _tool(settings, platform):
        old = tool.client.get("/lti/jwks").json()["keys"][0]["kid"]
        with tool.sessions()() as session:
            new = keys.rotate(session).kid
        published = [k["kid"] for k in tool.client.get("/lti/jwks").json()["keys"]]
        assert published == [new] and old not in published


def test_disabled_registration_is_refused_and_reenabled_by_add(tool: Tool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pix_lti.cli import app

    monkeypatch.setenv("PIX_LTI_DATABASE_URL", tool.settings.database_url)
    runner = CliRunner()
    listing = runner.invoke(app, ["registration", "list"])
    assert tool.platform.issuer in listing.output
    reg_id = next(line.split("\t")[0] for line in listing.output.splitlines() if tool.platform.issuer in line)
    query = tool.login()  # a login started before the registration is disabled...
    assert runner.invoke(app, ["registration", "disable", reg_id]).exit_code == 0
    response = tool.post_launch(tool.platform.sign(tool.platform.claims(query["nonce"])), query["state"])
    assert response.status_code == 403 and "registration_disabled" in response.text  # ...is refused at launch
    login = tool.client.post("/lti/login", data={
        "iss": tool.platform.issuer, "login_hint": "h", "target_link_uri": "x", "client_id": tool.platform.client_id,
    }, follow_redirects=False)
    assert login.status_code == 403 and "désactivé" in login.text
    p = tool.platform
    added = runner.invoke(app, [
        "registration", "add", "--issuer", p.issuer, "--client-id", p.client_id, "--auth-login-url",
        p.auth_login_url, "--auth-token-url", p.auth_token_url, "--keyset-url", p.keyset_url,
        "--deployment-id", p.deployment_id, "--deployment-id", "dep-2",
    ])
    assert added.exit_code == 0, added.output
    assert "dep-2" in added.output
    assert tool.launch(sub="back").status_code == 303


def test_unknown_deployment_is_refused(tool: Tool) -> None:
    def other_deployment(claims: dict) -> None:
        claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] = "dep-999"

    response = tool.launch(other_deployment)
    assert response.status_code == 403 and "unknown_deployment" in response.text
    assert tool.count(tool.platform.issuer) == {"accounts": 0, "courses": 0, "activities": 0}


def test_two_platforms_side_by_side(tool: Tool) -> None:
    other = Platform(client_id="pix-client")
    tool.register(other)
    assert tool.launch(platform=other, sub="same-sub").status_code == 303
    assert tool.launch(sub="same-sub").status_code == 303
    assert tool.count(other.issuer)["accounts"] == 1 and tool.count(tool.platform.issuer)["accounts"] == 1
