"""Admin page of the certification centres: open a school's centre by UAI, change its settings; audited; an LTI
session never opens it."""

from __future__ import annotations

from sqlalchemy import select

from certification import repository
from core.audit import AuditEntry
from tests.admin.conftest import csrf_of
from tests.lti.conftest import Tool


def _post(tool: Tool, path: str, **data: str):  # type: ignore[no-untyped-def]
    page = tool.client.get("/admin/certification")
    return tool.client.post(path, data={"csrf": csrf_of(page.text), **data}, follow_redirects=False)


def test_open_a_school_centre_and_change_its_settings(logged_in: Tool) -> None:
    tool = logged_in
    opened = _post(tool, "/admin/certification/centres", uai="0750001a", name="Collège Jean Moulin")
    assert opened.status_code == 303 and opened.headers["location"] == "/admin/certification?ok=opened"
    page = tool.client.get("/admin/certification?ok=opened")
    assert "Collège Jean Moulin" in page.text and "0750001A" in page.text
    again = _post(tool, "/admin/certification/centres", uai="0750001A", name="X")
    assert again.status_code == 409 and "existe déjà" in again.text
    bad = _post(tool, "/admin/certification/centres", uai="12", name="X")
    assert bad.status_code == 400
    with tool.sessions()() as db:
        centre = repository.centre_by_uai(db, "0750001A")
    saved = _post(tool, f"/admin/certification/centres/{centre.id}", name="Collège J. Moulin", version="v2",
                  session_creators="staff", publication="review", address="1 rue de l'École")
    assert saved.status_code == 303
    with tool.sessions()() as db:
        centre = repository.centre_by_uai(db, "0750001A")
        actions = [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert (centre.name, centre.version, centre.session_creators, centre.publication) == (
        "Collège J. Moulin", "v2", "staff", "review")
    assert actions[-2:] == ["certification.centre.open", "certification.centre.settings"]
    assert _post(tool, "/admin/certification/centres/999", name="X", version="v3", session_creators="staff",
                 publication="automatic").status_code == 404


def test_the_page_needs_an_admin_session(sqlite_admin_tool: Tool) -> None:
    response = sqlite_admin_tool.client.get("/admin/certification", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"
