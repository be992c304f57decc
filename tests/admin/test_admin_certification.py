"""Admin page of the certification centres: open a school's centre by UAI, change its settings; audited; an LTI
session never opens it."""

from __future__ import annotations

from sqlalchemy import select

from certification import access, centres, repository
from certification.access import StaffRole
from certification.models import CentreRow
from core.accounts import Account
from core.audit import AuditEntry
from core.schools import GAR_ISSUER
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


def test_name_and_remove_a_centres_staff_by_gar_or_lti_identity(logged_in: Tool) -> None:
    """The admin names a teacher (GAR IDO) manager and an LMS instructor (sub + issuer) member; they get the centre
    at once (`certification.access` reads the table); removing one takes it away; audited without names."""
    tool = logged_in
    with tool.sessions().begin() as db:
        centre = centres.open_school_centre(db, "0750001A", "Collège Jean Moulin", None)
        gar = Account(issuer=GAR_ISSUER, sub="ido-prof-1", given_name="Paul", family_name="Prof", name="Paul Prof")
        lti = Account(issuer="https://moodle.example", sub="42", given_name="Ana", family_name="Lopez")
        twin = Account(issuer="https://autre.example", sub="42", given_name="Bob", family_name="Autre")
        db.add_all([gar, lti, twin])
        db.flush()
        cid, gar_id, lti_id = centre.id, gar.id, lti.id
    path = f"/admin/certification/centres/{cid}/personnels"
    assert f'href="{path}"' in tool.client.get("/admin/certification").text

    def post(url: str, **data: str):  # type: ignore[no-untyped-def]
        page = tool.client.get(path)
        return tool.client.post(url, data={"csrf": csrf_of(page.text), **data}, follow_redirects=False)

    named = post(path, identifier=" ido-prof-1 ", issuer="gar", role="manager")
    assert named.status_code == 303 and named.headers["location"] == f"{path}?ok=named"
    ambiguous = post(path, identifier="42", role="member")
    assert ambiguous.status_code == 409 and "précisez la plateforme" in ambiguous.text
    assert post(path, identifier="42", issuer="https://moodle.example", role="member").status_code == 303
    unknown = post(path, identifier="personne", role="member")
    assert unknown.status_code == 404 and "Aucun compte" in unknown.text
    assert post(path, identifier="ido-prof-1", issuer="gar", role="chef").status_code == 400
    forged = tool.client.post(path, data={"csrf": "x", "identifier": "ido-prof-1", "role": "member"})
    assert forged.status_code == 403
    page = tool.client.get(path)
    assert "Paul Prof" in page.text and "Ana Lopez" in page.text and "responsable" in page.text
    with tool.sessions()() as db:
        assert access.role_in_centre(db, gar_id, db.get(CentreRow, cid)) is StaffRole.MANAGER
        assert access.role_in_centre(db, lti_id, db.get(CentreRow, cid)) is StaffRole.MEMBER

    removed = post(f"{path}/{lti_id}/retirer")
    assert removed.status_code == 303 and removed.headers["location"] == f"{path}?ok=removed"
    assert post(f"{path}/{lti_id}/retirer").status_code == 404  # already removed
    assert post("/admin/certification/centres/999/personnels", identifier="ido-prof-1", issuer="gar",
                role="member").status_code == 404
    with tool.sessions()() as db:
        assert access.role_in_centre(db, lti_id, db.get(CentreRow, cid)) is None
        entries = db.scalars(select(AuditEntry).where(AuditEntry.action.like("certification.staff.%"))
                             .order_by(AuditEntry.id)).all()
    assert [(e.action, e.details["account_id"]) for e in entries] == [
        ("certification.staff.name", gar_id), ("certification.staff.name", lti_id),
        ("certification.staff.remove", lti_id)]
    assert "Prof" not in str([e.details for e in entries]) and "ido-prof-1" not in str([e.details for e in entries])


def test_refused_fields_are_named_in_the_admins_language(logged_in: Tool) -> None:
    tool = logged_in
    bad = _post(tool, "/admin/certification/centres", uai="12", name="X")
    assert bad.status_code == 400 and "Champ invalide : UAI." in bad.text
    with tool.sessions().begin() as db:
        cid = centres.open_school_centre(db, "0750002B", "Collège Victor Hugo", None).id
    tool.client.get("/admin/certification?lang=en")  # the switch, remembered for the admin pages
    settings = _post(tool, f"/admin/certification/centres/{cid}", name="X", version="v9", session_creators="staff",
                     publication="automatic")
    assert settings.status_code == 400 and '<html lang="en">' in settings.text
    assert "Invalid field: Settings." in settings.text
    path = f"/admin/certification/centres/{cid}/personnels"
    page = tool.client.get(path)
    role = tool.client.post(path, data={"csrf": csrf_of(page.text), "identifier": "x", "role": "chef"})
    assert role.status_code == 400 and "Invalid field: Role." in role.text and "rôle" not in role.text
