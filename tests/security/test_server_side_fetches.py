"""Issue 13, server-side fetches: `/lti/register` only contacts allowed or administrator-approved hosts, at public
addresses (checked on what names resolve to, when each connection opens), with one generic message whatever
went wrong; the grade worker and NRPS send the platform's token only to the platform's own hosts."""

from __future__ import annotations

import asyncio
import html
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx
import pytest
from sqlalchemy import select

import tests.lti.conftest as lti_conftest
from lti_tool.dynreg import host_approvals
from lti_tool.dynreg.configuration import fetch_configuration
from lti_tool.dynreg.errors import RegistrationFailed
from lti_tool.dynreg.models import PlatformHostRequest
from lti_tool.grades.service_urls import ServicePlatform, check_service_url
from lti_tool.outbound import GuardedBackend, guarded_client, is_public
from tests.dynreg.moodle_like_platform import MoodleLikePlatform
from tests.grades.conftest import World
from tests.lti.conftest import Tool, _tool, sqlite_settings
from tests.lti.platform import INSTRUCTOR, Platform


class CountingMoodle(MoodleLikePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.requests = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return super().handle(request)


def _start(tool: Tool, moodle: MoodleLikePlatform, config_url: str | None = None) -> Any:
    if moodle not in tool.platforms:
        tool.platforms.append(moodle)
    return tool.client.get("/lti/register", params={"openid_configuration": config_url or moodle.configuration_url,
                                                     "registration_token": moodle.new_registration_token()})


@pytest.fixture
def tool(tmp_path, monkeypatch) -> Iterator[Tool]:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PIX_LTI_DYNREG_ALLOWED_HOSTS", raising=False)
    yield from _tool(sqlite_settings(tmp_path), Platform())


def test_with_an_empty_allow_list_a_new_platform_waits_for_an_administrator(tool: Tool) -> None:
    moodle = CountingMoodle()
    host = moodle.issuer.split("//")[1]
    first = _start(tool, moodle)
    assert first.status_code == 403 and "platform_pending_approval" in first.text
    assert "sa demande est enregistrée" in first.text
    assert _start(tool, moodle).status_code == 403
    assert moodle.requests == 0  # nothing fetched from a host nobody approved
    with tool.sessions()() as session:
        row = session.get(PlatformHostRequest, host)
        assert (row.status, row.attempts) == ("pending", 2)
        host_approvals.decide(session, host, True, "admin:test")
    approved = _start(tool, moodle)
    assert approved.status_code == 200, approved.text
    assert "Pix LTI (localhost) est enregistré" in html.unescape(approved.text)


def test_a_refused_platform_stays_refused_without_any_fetch(tool: Tool) -> None:
    moodle = CountingMoodle()
    with tool.sessions()() as session:
        host_approvals.decide(session, moodle.issuer.split("//")[1], False, "admin:test")
    response = _start(tool, moodle)
    assert response.status_code == 403 and "platform_refused_by_admin" in response.text and moodle.requests == 0


def test_pending_requests_are_capped(tool: Tool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(host_approvals, "MAX_PENDING", 3)
    for _ in range(5):
        assert _start(tool, CountingMoodle()).status_code == 403
    with tool.sessions()() as session:
        assert len(session.scalars(select(PlatformHostRequest)).all()) == 3


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "100.64.0.1",
                                     "::1", "fd00::1", "0.0.0.0", "::ffff:127.0.0.1"])
def test_a_name_resolving_to_a_private_address_is_never_contacted(tmp_path, monkeypatch, address: str) -> None:  # type: ignore[no-untyped-def]
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", address]  # one public address is not enough: every address must be public

    monkeypatch.setenv("PIX_LTI_DYNREG_ALLOWED_HOSTS", "*.test")
    monkeypatch.setattr(lti_conftest, "test_resolver", resolver)
    for tool in _tool(sqlite_settings(tmp_path), Platform()):
        moodle = CountingMoodle()
        response = _start(tool, moodle)
        assert response.status_code == 403 and "address_not_allowed" in response.text
        assert moodle.requests == 0
        monkeypatch.setenv("PIX_LTI_DYNREG_ALLOW_PRIVATE_ADDRESSES", "true")  # the explicit switch
        assert _start(tool, moodle).status_code == 200 and moodle.requests > 0


@pytest.mark.parametrize("url", ["https://[::1", "https://moodle.test:99999/c", "javascript:alert(1)", "https://",
                                 "https://moodle.test/" + "a" * 5000, "https://moo dle.test/c", "ftp://moodle.test/c"])
def test_malformed_configuration_urls_get_400(tool: Tool, url: str) -> None:
    response = tool.client.get("/lti/register", params={"openid_configuration": url, "registration_token": "t"})
    assert response.status_code == 400, (url, response.status_code)


class _Listener:
    """A loopback TCP server: `mode` "garbage" (not HTTP), "404", "html" (200, not JSON), or closed."""

    def __init__(self, mode: str) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.mode = mode
        if mode == "closed":
            self.sock.close()
            return
        self.sock.listen(8)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        replies = {"garbage": b"SSH-2.0-OpenSSH_9.2\r\n", "404": b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
                   "html": b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\n\r\n<html>x</html"}
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.recv(4096)
            conn.sendall(replies[self.mode])
            conn.close()


def test_one_generic_message_whatever_the_port_answers() -> None:
    async def outcome(mode: str) -> tuple[int, str, str]:
        listener = _Listener(mode)
        async with guarded_client(2.0, allow_private=True) as http:
            with pytest.raises(RegistrationFailed) as failed:
                await fetch_configuration(http, f"http://localhost:{listener.port}/config")
        if mode != "closed":
            listener.sock.close()
        return failed.value.status, failed.value.code, failed.value.reason

    outcomes = {mode: asyncio.run(outcome(mode)) for mode in ("closed", "garbage", "404", "html")}
    assert len(set(outcomes.values())) == 1, outcomes
    status, code, _ = outcomes["closed"]
    assert (status, code) == (400, "configuration_unreadable")


def test_the_connection_goes_only_to_the_address_that_was_checked() -> None:
    """DNS rebinding: whatever a name resolved to before, the connection is checked when it opens."""
    listener = _Listener("404")

    async def rebound(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    async def attempt() -> None:
        transport = httpx.AsyncHTTPTransport()
        transport._pool = httpcore.AsyncConnectionPool(network_backend=GuardedBackend(False, rebound))
        async with httpx.AsyncClient(transport=transport) as http:
            await http.get(f"http://platform.example:{listener.port}/")

    with pytest.raises(httpx.ConnectError, match="not a public address"):
        asyncio.run(attempt())
    listener.sock.close()


def test_public_address_classification() -> None:
    assert is_public("93.184.215.14") and is_public("2606:2800:220:1::1")
    assert not any(is_public(a) for a in ("127.0.0.2", "10.0.0.1", "172.16.0.1", "169.254.1.1", "224.0.0.1",
                                          "::1", "fe80::1", "::ffff:10.0.0.1", "198.18.0.1"))


# --- the grade worker and NRPS -----------------------------------------------------------------------------------

PLATFORM = ServicePlatform("https://moodle.lycee.fr", "https://moodle.lycee.fr/mod/lti/token.php")


@pytest.mark.parametrize("url", ["https://evil.example/scores", "http://moodle.lycee.fr/x", "file:///etc/passwd",
                                 "https://moodle.lycee.fr.evil.example/x", "https://[::1/x", None, 42])
def test_service_urls_off_the_platform_are_refused_for_good(url: object) -> None:
    from lti_tool.grades.errors import DeliveryError

    with pytest.raises(DeliveryError) as refused:
        check_service_url(url, PLATFORM)
    assert refused.value.retryable is False


def test_service_urls_on_the_platform_or_the_allow_list_are_accepted() -> None:
    assert check_service_url("https://moodle.lycee.fr/mod/lti/services.php/2/lineitems", PLATFORM)
    assert check_service_url("https://grades.ac-test.fr/x", PLATFORM, ("*.ac-test.fr",))


def test_a_line_item_on_another_host_is_a_dead_letter_and_no_token_is_sent(world: World) -> None:
    world.platform.enrol("eleve-1")
    account_id = world.launch("eleve-1", lineitem="https://collector.evil.example/lineitem/1")
    world.finish(account_id, {"1.1": 27})
    world.drain()
    item, = world.outbox()
    assert item.status == "dead" and "collector.evil.example" in item.last_error
    assert "aucun jeton n'a été envoyé" in item.last_error
    assert world.platform.token_requests == 0 and world.platform.score_posts == 0


def test_a_roster_page_link_to_another_host_stops_the_refresh_before_sending_the_token(world: World) -> None:
    world.platform.page_size = 1
    for user in ("eleve-1", "eleve-2", "eleve-3"):
        world.platform.enrol(user)
    original = world.platform._memberships

    def rewriting(request: httpx.Request) -> httpx.Response:
        response = original(request)
        if "link" in response.headers:
            response.headers["link"] = '<https://elsewhere.example/nrps?page=2>; rel="next"'
        return response

    world.platform._memberships = rewriting  # type: ignore[method-assign]
    world.launch("prof-1", roles=[INSTRUCTOR])
    world.drain()
    roster, = [i for i in world.outbox() if i.kind == "roster"]
    assert roster.status == "dead" and "elsewhere.example" in roster.last_error
