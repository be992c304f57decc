"""Disabling a platform ends its open sessions — the cookie (up to 8 h) and the `lt` token (up to 2 h) get a
readable 401 page — and enabling it again does not revive them; its grades wait, delivered once it is enabled
again. SQLite and PostgreSQL + Redis."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from lti_tool.models import Registration
from lti_tool.registrations import set_status
from tests.grades.conftest import World
from tests.lti.conftest import Tool
from web.auth import SESSION_COOKIE
from web.i18n import ENGLISH_REFUSALS


def _registration_id(tool: Tool) -> int:
    with tool.sessions()() as session:
        return session.scalar(select(Registration.id).where(Registration.issuer == tool.platform.issuer))


def _set(tool: Tool, status: str) -> None:
    with tool.sessions()() as session:
        set_status(session, _registration_id(tool), status)


def _launched(tool: Tool) -> tuple[str, str, str]:
    """(page, launch token, session cookie) of a fresh launch."""
    response = tool.launch()
    assert response.status_code == 303, response.text
    target = urlsplit(response.headers["location"])
    return target.path, parse_qs(target.query)["lt"][0], response.cookies[SESSION_COOKIE]


def _opened(tool: Tool, path: str, *, token: str | None = None, cookie: str | None = None) -> int:
    tool.client.cookies.clear()
    if cookie:
        tool.client.cookies.set(SESSION_COOKIE, cookie)
    response = tool.client.get(path, params={"lt": token} if token else None, follow_redirects=False)
    return response.status_code


def test_disabling_a_platform_ends_its_open_sessions_cookie_and_launch_token(any_tool: Tool) -> None:
    path, token, cookie = _launched(any_tool)
    assert _opened(any_tool, path, cookie=cookie) == 200
    assert _opened(any_tool, path, token=token) in (200, 303)
    _set(any_tool, "disabled")
    any_tool.client.cookies.clear()
    refused = any_tool.client.get(path, headers={"cookie": f"{SESSION_COOKIE}={cookie}"}, follow_redirects=False)
    assert refused.status_code == 401
    assert "plus autorisée à utiliser" in refused.text and "platform_disabled" in refused.text
    assert _opened(any_tool, path, token=token) == 401
    assert "may no longer use the tool" in ENGLISH_REFUSALS["refusal.platform_disabled"]  # a session in English


def test_enabling_the_platform_again_does_not_revive_the_ended_sessions(any_tool: Tool) -> None:
    path, token, cookie = _launched(any_tool)
    _set(any_tool, "disabled")
    _set(any_tool, "active")
    assert _opened(any_tool, path, cookie=cookie) == 401
    assert _opened(any_tool, path, token=token) == 401
    new_path, _, new_cookie = _launched(any_tool)  # a new launch opens a new session
    assert _opened(any_tool, new_path, cookie=new_cookie) == 200


def test_the_sessions_of_another_platform_go_on(tool: Tool) -> None:
    from tests.lti.platform import Platform

    other = Platform(client_id="autre")
    tool.register(other)
    response = tool.launch(platform=other)
    assert response.status_code == 303
    path, cookie = urlsplit(response.headers["location"]).path, response.cookies[SESSION_COOKIE]
    _set(tool, "disabled")
    assert _opened(tool, path, cookie=cookie) == 200


def test_the_grades_of_a_disabled_platform_wait_and_are_delivered_once_it_is_enabled(any_world: World) -> None:
    lineitem = any_world.platform.add_line_item("1.1 Mener une recherche", 6.0)
    any_world.platform.enrol("eleve-1", name="Camille Durand")
    account_id = any_world.launch("eleve-1", lineitem=lineitem)
    _set(any_world.tool, "disabled")
    any_world.finish(account_id, {"1.1": 27})
    any_world.clock.advance(7 * 24 * 3600)  # a week disabled: many worker passes
    for _ in range(5):
        any_world.drain()
    assert [item.status for item in any_world.outbox()] == ["pending"]  # held, not a dead letter
    assert any_world.platform.grade(lineitem, "eleve-1") is None
    _set(any_world.tool, "active")
    assert any_world.drain() == 1
    assert [item.status for item in any_world.outbox()] == ["delivered"]
    assert any_world.platform.grade(lineitem, "eleve-1").score_given == 3.0


def test_a_teachers_content_selection_ends_with_its_platform(world: World) -> None:
    from tests.grades.test_deep_linking import _csrf, _open_picker

    location, launch_id, token = _open_picker(world)
    page = world.tool.client.get(location)
    assert page.status_code == 200
    _set(world.tool, "disabled")
    assert world.tool.client.get(location).status_code == 401
    form = {"lt": token, "csrf": _csrf(page.text), "item": ["competence:1.1"], "scale-1.1": "level"}
    refused = world.tool.client.post(f"/lti/selection/{launch_id}", data=form)
    assert refused.status_code == 401 and "platform_disabled" in refused.text and "JWT" not in refused.text
