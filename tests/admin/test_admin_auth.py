"""Admin authentication and authorisation: only admin accounts open /admin; login is throttled; CSRF."""

from __future__ import annotations

import pytest

from admin import accounts
from tests.admin.conftest import ADMIN, PASSWORD, csrf_of, login
from tests.lti.conftest import Tool

LTI_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@pytest.mark.parametrize("path", ["/admin/", "/admin/registrations", "/admin/registrations/1", "/admin/launches",
                                  "/admin/grades", "/admin/keys", "/admin/audit"])
def test_every_admin_page_sends_strangers_to_the_login_page(sqlite_admin_tool: Tool, path: str) -> None:
    response = sqlite_admin_tool.client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"


@pytest.mark.parametrize("roles", [[LEARNER], [INSTRUCTOR], [LTI_ADMIN, INSTRUCTOR]])
def test_an_lti_session_whatever_its_role_never_opens_the_admin_area(sqlite_admin_tool: Tool, roles: list[str]) -> None:
    launch = sqlite_admin_tool.launch(roles=roles)
    assert launch.status_code in (302, 303), launch.text
    assert sqlite_admin_tool.client.cookies.get("pix_lti_session")
    for path in ("/admin/", "/admin/registrations", "/admin/keys"):
        response = sqlite_admin_tool.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/admin/login"
    token = sqlite_admin_tool.client.cookies.get("pix_lti_session")
    forged = sqlite_admin_tool.client.get("/admin/", headers={"cookie": f"pix_lti_admin={token}"},
                                          follow_redirects=False)
    assert forged.status_code == 303  # the LTI token, signed with another salt, is not an admin session
    rotate = sqlite_admin_tool.client.post("/admin/keys/rotate", data={"csrf": "x"}, follow_redirects=False)
    assert rotate.status_code == 303 and rotate.headers["location"] == "/admin/login"


def test_login_opens_the_area_with_a_strict_httponly_cookie(admin_tool: Tool) -> None:
    response = login(admin_tool)
    assert response.status_code == 303
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("pix_lti_admin="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie
    page = admin_tool.client.get("/admin/")
    assert page.status_code == 200 and "Tableau de bord" in page.text and ADMIN in page.text


def test_wrong_password_and_unknown_account_are_refused_alike(admin_tool: Tool) -> None:
    wrong = login(admin_tool, password="not the password at all")
    unknown = login(admin_tool, username="mallory", password=PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    message = "Identifiant ou mot de passe incorrect"
    assert message in wrong.text and message in unknown.text
    assert admin_tool.client.get("/admin/", follow_redirects=False).status_code == 303


def test_login_form_needs_its_csrf_token(sqlite_admin_tool: Tool) -> None:
    sqlite_admin_tool.client.get("/admin/login")
    response = sqlite_admin_tool.client.post("/admin/login", data={"username": ADMIN, "password": PASSWORD},
                                             follow_redirects=False)
    assert response.status_code == 403
    assert sqlite_admin_tool.client.get("/admin/", follow_redirects=False).status_code == 303


def test_failures_delay_the_next_attempt_even_with_the_right_password(admin_tool: Tool) -> None:
    for _ in range(3):
        assert login(admin_tool, password="wrong password 123").status_code == 401
    locked = login(admin_tool)  # 3 failures: 2 s to wait before the next attempt
    assert locked.status_code == 429 and "essais infructueux" in locked.text
    assert 0 < int(locked.headers["retry-after"]) <= 2
    assert admin_tool.client.get("/admin/", follow_redirects=False).status_code == 303


def test_the_client_address_is_throttled_across_usernames(sqlite_admin_tool: Tool) -> None:
    for i in range(5):  # five free failures per address, whatever the usernames
        assert login(sqlite_admin_tool, username=f"user{i}", password="wrong password 123").status_code == 401
    assert login(sqlite_admin_tool, username="user9", password="wrong password 123").status_code == 429
    with sqlite_admin_tool.sessions()() as session:
        accounts.create_account(session, "bob", PASSWORD, "test")
    assert login(sqlite_admin_tool, username="bob").status_code == 429


def test_a_successful_login_clears_the_username_failures(sqlite_admin_tool: Tool) -> None:
    for _ in range(2):
        login(sqlite_admin_tool, password="wrong password 123")
    assert login(sqlite_admin_tool).status_code == 303
    sqlite_admin_tool.client.cookies.clear()
    for _ in range(2):
        assert login(sqlite_admin_tool, password="wrong password 123").status_code == 401
    assert login(sqlite_admin_tool).status_code == 303


async def _failures(store, username: str, address: str, count: int, start: float) -> float:  # type: ignore[no-untyped-def]
    """`count` failures, each made as soon as the backoff allows it; the time of the last one."""
    from admin import throttle

    now = start
    for _ in range(count):
        now += await throttle.seconds_locked(store, username, address, now)
        await throttle.record_failure(store, username, address, now)
    return now


def test_an_attacker_cannot_lock_an_account_out_only_slow_it_down() -> None:
    """Thirty failures on alice's account from the attacker's addresses delay alice by a minute at most (a hard
    lock for everyone was a denial of service); the attacker's own address waits far longer."""
    import asyncio

    from admin import throttle
    from core.store.memory import MemoryStore

    async def scenario() -> tuple[int, int, int]:
        store = MemoryStore()
        last = await _failures(store, "alice", "203.0.113.9", 30, start=1_000_000.0)
        alice = await throttle.seconds_locked(store, "alice", "198.51.100.7", last)
        alice_later = await throttle.seconds_locked(store, "alice", "198.51.100.7", last + 61)
        attacker_later = await throttle.seconds_locked(store, "bob", "203.0.113.9", last + 61)
        return alice, alice_later, attacker_later

    alice, alice_later, attacker_later = asyncio.run(scenario())
    assert 0 < alice <= 60
    assert alice_later == 0
    assert attacker_later > 60


def test_changes_without_the_session_csrf_token_are_refused(logged_in: Tool) -> None:
    before = logged_in.client.get("/admin/registrations").text.count("/admin/registrations/")
    response = logged_in.client.post("/admin/registrations", data={
        "csrf": "forged", "issuer": "https://lms.example.org", "client_id": "c", "deployment_ids": "d",
        "auth_login_url": "https://lms.example.org/auth", "auth_token_url": "https://lms.example.org/token",
        "keyset_url": "https://lms.example.org/jwks"})
    assert response.status_code == 403 and "CSRF" in response.text
    assert logged_in.client.get("/admin/registrations").text.count("/admin/registrations/") == before


def test_a_disabled_account_loses_its_open_session(logged_in: Tool) -> None:
    assert logged_in.client.get("/admin/", follow_redirects=False).status_code == 200
    with logged_in.sessions()() as session:
        accounts.set_active(session, ADMIN, False, "test")
    assert logged_in.client.get("/admin/", follow_redirects=False).status_code == 303
    assert login(logged_in).status_code == 401


def test_logout_ends_the_session_even_for_a_copied_cookie(logged_in: Tool) -> None:
    page = logged_in.client.get("/admin/")
    copied = logged_in.client.cookies.get("pix_lti_admin")
    logged_in.client.post("/admin/logout", data={"csrf": csrf_of(page.text)})
    assert logged_in.client.get("/admin/", follow_redirects=False).status_code == 303
    replay = logged_in.client.get("/admin/", headers={"cookie": f"pix_lti_admin={copied}"}, follow_redirects=False)
    assert replay.status_code == 303


def test_passwords_are_argon2_hashes_and_short_ones_are_refused(sqlite_admin_tool: Tool) -> None:
    from admin.models import AdminAccount

    with sqlite_admin_tool.sessions()() as session:
        stored = session.query(AdminAccount).filter_by(username=ADMIN).one().password_hash
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        with pytest.raises(accounts.AccountError):
            accounts.create_account(session, "carol", "short", "test")


def test_admin_pages_are_never_framed_nor_cached(logged_in: Tool) -> None:
    for path in ("/admin/", "/admin/login"):
        response = logged_in.client.get(path, follow_redirects=False)
        if response.status_code == 303:
            logged_in.client.cookies.clear()
            response = logged_in.client.get(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"


def test_a_logged_out_cookie_stays_refused_after_the_store_is_emptied(admin_tool: Tool) -> None:
    """Logout is kept in the database: a Redis restart (here: the store emptied) does not revive the cookie."""
    import asyncio

    import redis

    assert login(admin_tool).status_code == 303
    cookie = admin_tool.client.cookies.get("pix_lti_admin")
    page = admin_tool.client.get("/admin/")
    assert page.status_code == 200
    assert admin_tool.client.post("/admin/logout", follow_redirects=False).status_code == 303
    if admin_tool.settings.redis_url:
        redis.Redis.from_url(admin_tool.settings.redis_url).flushdb()
    else:
        asyncio.run(admin_tool.client.app.state.tool.store.close())  # the in-process store forgets everything
    admin_tool.client.cookies.set("pix_lti_admin", cookie, path="/admin")
    assert admin_tool.client.get("/admin/", follow_redirects=False).status_code == 303  # back to the login page
    admin_tool.client.cookies.clear()
    assert login(admin_tool).status_code == 303  # a new login works
    assert admin_tool.client.get("/admin/", follow_redirects=False).status_code == 200
