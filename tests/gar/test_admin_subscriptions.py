"""The admin area lists, adds and removes GAR subscriptions (admin session, CSRF, audit)."""

from __future__ import annotations

import re

from admin import accounts
from core.audit import recent_entries
from tests.gar.conftest import SCHOOL, Gar, student

ADMIN, PASSWORD = "gar-admin", "un mot de passe assez long"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _login(gar: Gar) -> None:
    with gar.sessions() as session:
        accounts.create_account(session, ADMIN, PASSWORD, "test")
    form = gar.client.get("/admin/login")
    done = gar.client.post("/admin/login", data={"csrf": _csrf(form.text), "username": ADMIN, "password": PASSWORD},
                           follow_redirects=False)
    assert done.status_code == 303, done.text


def test_subscriptions_page_needs_an_admin(gar: Gar) -> None:
    response = gar.client.get("/admin/gar/abonnements", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"


def test_admin_subscribes_a_school_and_its_users_can_then_log_in(gar: Gar) -> None:
    assert gar.sign_in(student()).status_code == 403
    gar.client.cookies.clear()
    _login(gar)
    page = gar.client.get("/admin/gar/abonnements")
    assert page.status_code == 200 and "Aucun établissement abonné" in page.text
    csrf = _csrf(page.text)
    assert gar.client.post("/admin/gar/abonnements/add", data={"csrf": "x", "uai": SCHOOL}).status_code == 403
    bad = gar.client.post("/admin/gar/abonnements/add", data={"csrf": csrf, "uai": "12AB"})
    assert bad.status_code == 400 and "mal formé" in bad.text
    added = gar.client.post("/admin/gar/abonnements/add", data={"csrf": csrf, "uai": SCHOOL.lower()})
    assert added.status_code == 200 and "Établissement abonné" in added.text and SCHOOL in added.text
    assert gar.sign_in(student()).status_code == 303
    removed = gar.client.post("/admin/gar/abonnements/remove", data={"csrf": csrf, "uai": SCHOOL})
    assert removed.status_code == 200 and "Abonnement retiré" in removed.text
    with gar.sessions() as session:
        actions = [(e.action, e.target) for e in recent_entries(session)]
    assert ("gar.subscription.add", SCHOOL) in actions and ("gar.subscription.remove", SCHOOL) in actions


def test_a_malformed_uai_is_explained_in_english(gar: Gar) -> None:
    _login(gar)
    page = gar.client.get("/admin/gar/abonnements?lang=en")
    assert '<html lang="en">' in page.text
    bad = gar.client.post("/admin/gar/abonnements/add", data={"csrf": _csrf(page.text), "uai": "12AB"})
    assert bad.status_code == 400 and '<html lang="en">' in bad.text
    assert "UAI “12AB” is malformed: 7 digits and a letter" in bad.text and "mal formé" not in bad.text
