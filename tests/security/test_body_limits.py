"""Issue 13: every request body is capped while it streams (413 with a readable page), chunked bodies included;
the launch's id_token, the SAML post and the GAR roster upload have their own caps."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.grades.conftest import World
from web.body_limit import BodyLimit, BodyLimits


def _chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"a" * min(size, total - sent)
        sent += size


def test_a_200_kb_id_token_gets_413_with_a_french_page(world: World) -> None:
    response = world.tool.client.post("/lti/launch", data={"state": "s", "id_token": "e" * 200_000})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.text and "128 Ko" in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_the_page_is_in_english_when_the_browser_asks_for_it(world: World) -> None:
    response = world.tool.client.post("/lti/login", content=b"iss=" + b"x" * 70_000,
                                      headers={"content-type": "application/x-www-form-urlencoded",
                                               "accept-language": "en-GB,en;q=0.9"})
    assert response.status_code == 413 and "Too much data sent" in response.text and 'lang="en"' in response.text


@pytest.mark.parametrize("path", ["/lti/login", "/lti/launch", "/gar/acs", "/admin/login"])
def test_a_chunked_body_without_length_is_cut_at_its_cap(world: World, path: str) -> None:
    response = world.tool.client.post(path, content=_chunks(3 * 1024 * 1024),
                                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413, (path, response.status_code)


def test_an_ordinary_launch_is_still_accepted(world: World) -> None:
    assert world.tool.launch().status_code in (302, 303)


def test_a_declared_length_over_the_cap_is_refused_before_reading_anything() -> None:
    read: list[int] = []
    answered: list[int] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        read.append(1)

    async def receive():  # type: ignore[no-untyped-def]
        raise AssertionError("the body must not be read")

    async def send(message):  # type: ignore[no-untyped-def]
        if message["type"] == "http.response.start":
            answered.append(message["status"])

    scope = {"type": "http", "method": "POST", "path": "/lti/launch", "headers": [(b"content-length", b"150000000")]}
    asyncio.run(BodyLimit(app, BodyLimits())(scope, receive, send))
    assert read == [] and answered == [413]


def test_an_application_that_swallows_the_overflow_still_answers_413() -> None:
    """Route code catches form errors to answer 400: the cap's 413 wins whatever the application sends."""
    answered: list[int] = []
    chunks = [b"x" * 40_000, b"x" * 40_000, b"x" * 40_000]

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        try:
            while (await receive()).get("more_body"):
                pass
        except Exception:
            await send({"type": "http.response.start", "status": 400, "headers": []})
            await send({"type": "http.response.body", "body": b"bad form"})

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}

    async def send(message):  # type: ignore[no-untyped-def]
        if message["type"] == "http.response.start":
            answered.append(message["status"])

    scope = {"type": "http", "method": "POST", "path": "/admin/login", "headers": []}
    asyncio.run(BodyLimit(app, BodyLimits())(scope, receive, send))
    assert answered == [413] and len(chunks) == 1  # the third chunk was never read


def test_the_roster_upload_has_its_own_larger_cap() -> None:
    limits = BodyLimits()
    assert limits.for_path("/gar/roster") > 2 * 1024 * 1024 > limits.for_path("/gar/acs") > limits.for_path(
        "/lti/launch") > limits.for_path("/lti/login") == 64 * 1024
