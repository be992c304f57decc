"""Admin area operations: registrations and deployments, key rotation, launch log, grade deliveries; each audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from core.audit import AuditEntry
from lti_tool.launch.launch_log import record_launch_event
from lti_tool.registrations import list_registrations
from tests.admin.conftest import ADMIN, csrf_of, login
from tests.lti.conftest import Tool

NEW = {"issuer": "https://lms.example.org", "client_id": "client-9", "deployment_ids": "dep-a\ndep-b",
       "auth_login_url": "https://lms.example.org/auth", "auth_token_url": "https://lms.example.org/token",
       "keyset_url": "https://lms.example.org/jwks"}


def _post(tool: Tool, path: str, **data: Any) -> Any:
    page = tool.client.get("/admin/")
    return tool.client.post(path, data={"csrf": csrf_of(page.text), **data}, follow_redirects=False)


def _audit(tool: Tool) -> list[AuditEntry]:
    with tool.sessions()() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _registration(tool: Tool, issuer: str) -> Any:
    with tool.sessions()() as session:
        return next(r for r in list_registrations(session) if r.issuer == issuer)


def test_add_edit_disable_enable_delete_a_registration_each_audited(admin_tool: Tool) -> None:
    assert login(admin_tool).status_code == 303
    added = _post(admin_tool, "/admin/registrations", **NEW)
    assert added.status_code == 303
    reg = _registration(admin_tool, NEW["issuer"])
    assert reg.deployment_ids == {"dep-a", "dep-b"} and reg.client_id == "client-9"
    assert added.headers["location"] == f"/admin/registrations/{reg.id}?ok=added"

    edited = _post(admin_tool, f"/admin/registrations/{reg.id}/edit", client_id="client-10",
                   auth_login_url=NEW["auth_login_url"], auth_token_url=NEW["auth_token_url"],
                   keyset_url="https://lms.example.org/jwks2")
    assert edited.status_code == 303
    assert _registration(admin_tool, NEW["issuer"]).keyset_url == "https://lms.example.org/jwks2"
    assert _post(admin_tool, f"/admin/registrations/{reg.id}/disable").status_code == 303
    assert not _registration(admin_tool, NEW["issuer"]).active
    assert _post(admin_tool, f"/admin/registrations/{reg.id}/enable").status_code == 303
    assert _registration(admin_tool, NEW["issuer"]).active
    removed = _post(admin_tool, f"/admin/registrations/{reg.id}/deployment-remove", deployment_id="dep-b")
    assert removed.status_code == 303
    assert _post(admin_tool, f"/admin/registrations/{reg.id}/deployment-add", deployment_id="dep-c").status_code == 303
    assert _registration(admin_tool, NEW["issuer"]).deployment_ids == {"dep-a", "dep-c"}
    deleted = _post(admin_tool, f"/admin/registrations/{reg.id}/delete")
    assert deleted.status_code == 303 and deleted.headers["location"] == "/admin/registrations?ok=deleted"
    with admin_tool.sessions()() as session:
        assert all(r.issuer != NEW["issuer"] for r in list_registrations(session))

    mine = [e for e in _audit(admin_tool) if e.target == f"registration:{reg.id}"]
    assert [e.action for e in mine] == ["registration.add", "registration.edit", "registration.disable",
                                        "registration.enable", "deployment.remove", "deployment.add",
                                        "registration.delete"]
    assert {e.actor for e in mine} == {f"admin:{ADMIN}"}
    assert mine[1].details["changes"] == {"client_id": ["client-9", "client-10"],
                                          "keyset_url": ["https://lms.example.org/jwks", "https://lms.example.org/jwks2"]}
    assert all(e.at is not None for e in mine)
    page = admin_tool.client.get("/admin/audit")
    assert "registration.delete" in page.text and f"admin:{ADMIN}" in page.text


def test_a_used_registration_cannot_be_deleted_nor_its_used_deployment_removed(logged_in: Tool) -> None:
    assert logged_in.launch().status_code in (302, 303)
    reg = _registration(logged_in, logged_in.platform.issuer)
    refused = _post(logged_in, f"/admin/registrations/{reg.id}/delete")
    assert refused.status_code == 400 and "ne peut pas" in refused.text
    kept = _post(logged_in, f"/admin/registrations/{reg.id}/deployment-remove",
                 deployment_id=logged_in.platform.deployment_id)
    assert kept.status_code == 400 and "déjà servi" in kept.text
    assert _registration(logged_in, logged_in.platform.issuer).deployment_ids == {logged_in.platform.deployment_id}
    assert not [e for e in _audit(logged_in) if e.action in ("registration.delete", "deployment.remove")]


def test_invalid_registration_input_is_explained_and_nothing_is_stored(logged_in: Tool) -> None:
    response = _post(logged_in, "/admin/registrations", **{**NEW, "keyset_url": "http://lms.example.org/jwks"})
    assert response.status_code == 400 and "HTTPS est obligatoire" in response.text
    with logged_in.sessions()() as session:
        assert all(r.issuer != NEW["issuer"] for r in list_registrations(session))
    assert not [e for e in _audit(logged_in) if e.action == "registration.add"]


def test_a_disabled_registration_is_refused_at_launch(logged_in: Tool) -> None:
    reg = _registration(logged_in, logged_in.platform.issuer)
    _post(logged_in, f"/admin/registrations/{reg.id}/disable")
    logged_in.client.cookies.clear()
    params = {"iss": logged_in.platform.issuer, "login_hint": "h", "target_link_uri": "http://localhost/lti/launch",
              "client_id": logged_in.platform.client_id, "lti_deployment_id": logged_in.platform.deployment_id}
    assert logged_in.client.post("/lti/login", data=params, follow_redirects=False).status_code >= 400


def test_key_rotation_from_the_admin_area_publishes_the_new_key_and_is_audited(logged_in: Tool) -> None:
    before = {k["kid"] for k in logged_in.client.get("/lti/jwks").json()["keys"]}
    assert _post(logged_in, "/admin/keys/rotate").status_code == 303
    after = {k["kid"] for k in logged_in.client.get("/lti/jwks").json()["keys"]}
    assert before < after and len(after) == len(before) + 1
    entry = [e for e in _audit(logged_in) if e.action == "keys.rotate"][0]
    assert entry.actor == f"admin:{ADMIN}" and set(entry.details["retired"]) == before
    assert "en service" in logged_in.client.get("/admin/keys").text


def test_recent_launches_and_refusals_are_listed_with_their_reasons(admin_tool: Tool) -> None:
    store = admin_tool.client.app.state.tool.store
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    admin_tool.client.portal.call(lambda: record_launch_event(  # type: ignore[attr-defined]
        store, outcome="refused", code="unknown_deployment", issuer="https://moodle.example.org", client_id="c1",
        deployment_id="99", reason="Ce déploiement (99) n'est pas connu de l'outil.", at=now))
    admin_tool.client.portal.call(lambda: record_launch_event(  # type: ignore[attr-defined]
        store, outcome="accepted", code=None, issuer="https://moodle.example.org", client_id="c1",
        deployment_id="1", reason=None, at=now))
    login(admin_tool)
    page = admin_tool.client.get("/admin/launches")
    assert page.status_code == 200
    assert "unknown_deployment" in page.text and "pas connu de l&#39;outil" in page.text
    assert page.text.index("accepté") < page.text.index("refusé")  # newest first


def test_grade_deliveries_page_and_retry_without_dead_letters(logged_in: Tool) -> None:
    page = logged_in.client.get("/admin/grades")
    assert page.status_code == 200 and "En échec définitif" in page.text
    retry = _post(logged_in, "/admin/grades/retry")
    assert retry.status_code == 400 and "Aucun envoi" in retry.text


def test_dead_lettered_grade_deliveries_are_listed_and_retried(admin_tool: Tool) -> None:
    from lti_tool.grades.models import DEAD, PENDING, OutboxItem

    reg = _registration(admin_tool, admin_tool.platform.issuer)
    with admin_tool.sessions()() as session:
        dead = OutboxItem(kind="score", registration_id=reg.id, payload={}, status=DEAD, attempts=8,
                          last_error="409 Conflict: timestamp not newer")
        waiting = OutboxItem(kind="score", registration_id=reg.id, payload={}, status=PENDING, attempts=1,
                             last_error="503 Service Unavailable")
        session.add_all([dead, waiting])
        session.commit()
        dead_id = dead.id
    login(admin_tool)
    page = admin_tool.client.get("/admin/grades")
    assert "409 Conflict: timestamp not newer" in page.text and "503 Service Unavailable" in page.text
    assert _post(admin_tool, "/admin/grades/retry", ids=str(dead_id)).status_code == 303
    with admin_tool.sessions()() as session:
        item = session.get(OutboxItem, dead_id)
        assert item is not None and item.status == PENDING and item.attempts == 0
    entry = [e for e in _audit(admin_tool) if e.action == "grades.retry"][-1]
    assert entry.details == {"ids": [dead_id], "revived": 1} and entry.actor == f"admin:{ADMIN}"


def test_real_launches_and_refusals_reach_the_admin_launch_log(logged_in: Tool) -> None:
    from tests.lti.platform import LTI

    def unknown_deployment(claims: dict) -> None:
        claims[LTI + "deployment_id"] = "dep-unknown"

    assert logged_in.launch().status_code == 303
    assert logged_in.launch(unknown_deployment).status_code == 403
    page = logged_in.client.get("/admin/launches")
    assert page.status_code == 200
    assert "unknown_deployment" in page.text and "dep-unknown" in page.text
    assert "accepté" in page.text and logged_in.platform.issuer in page.text


def test_an_admin_approves_a_platform_waiting_for_dynamic_registration(logged_in: Tool) -> None:
    from lti_tool.dynreg.host_approvals import record_attempt

    with logged_in.sessions()() as session:
        record_attempt(session, "Moodle.Lycee-Attente.fr")
    page = logged_in.client.get("/admin/registrations")
    assert "moodle.lycee-attente.fr" in page.text and "en attente" in page.text
    approved = _post(logged_in, "/admin/registration-hosts", host="moodle.lycee-attente.fr", decision="approve")
    assert approved.status_code == 303
    page = logged_in.client.get(approved.headers["location"])
    assert "approuvée" in page.text
    assert "registration.host.approve" in [e.action for e in _audit(logged_in)]
    bad = _post(logged_in, "/admin/registration-hosts", host="https://x/y", decision="approve")
    assert bad.status_code == 400 and "Décision impossible" in bad.text
    forged = logged_in.client.post("/admin/registration-hosts", data={"host": "a.fr", "decision": "approve",
                                                                       "csrf": "forged"})
    assert forged.status_code == 403


def test_the_registrations_page_shows_the_dynamic_registration_url_as_code_not_as_escaped_tags(
        logged_in: Tool) -> None:
    page = logged_in.client.get("/admin/registrations")
    assert page.status_code == 200
    assert "/lti/register</code>" in page.text and "&lt;code&gt;" not in page.text
