"""Admin area page `/admin/gar/abonnements`: the schools allowed to use the resource (admin session, CSRF,
audited), built on the admin area's session and page helpers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from admin.routes import _actor, _admin, _csrf_refused, _db, _form, _private, _to_login
from core import audit
from ent_gar_connector.subscriptions import BadUai, add_subscription, list_subscriptions, remove_subscription
from web.i18n import translator
from web.locale import request_locale
from web.pages import render

router = APIRouter(prefix="/admin/gar")
PAGE = "/admin/gar/abonnements"
NOTICES = ("added", "removed", "unchanged")  # `?gar=<name>`: the notice `admin.gar.notice.<name>` (web/locales)


async def _render(request: Request, admin, status_code: int = 200, error: str | None = None) -> Response:  # type: ignore[no-untyped-def]
    rows = await _db(request, list_subscriptions)
    outcome = request.query_params.get("gar", "")
    notice = translator(request_locale(request))(f"admin.gar.notice.{outcome}") if outcome in NOTICES else None
    return _private(render(request, "gar/admin_subscriptions.html", status_code=status_code, admin=admin,
                           csrf=admin.csrf, notice=None, rows=rows, error=error, gar_notice=notice))


@router.get("/abonnements")
async def subscriptions_page(request: Request) -> Response:
    admin = await _admin(request)
    if admin is None:
        return _to_login()
    return await _render(request, admin)


@router.post("/abonnements/{action}")
async def subscriptions_change(request: Request, action: str) -> Response:
    admin = await _admin(request)
    if admin is None:
        return _to_login()
    form = await _form(request, admin)
    if form is None:
        return _csrf_refused(request, admin)
    if action not in {"add", "remove"}:
        return await _render(request, admin, 404, translator(request_locale(request))("admin.refused.unknown_action"))
    change = add_subscription if action == "add" else remove_subscription

    def apply(session) -> bool:  # type: ignore[no-untyped-def]
        uai, changed = change(session, form.get("uai", ""))
        if changed:
            audit.record(session, _actor(admin), f"gar.subscription.{action}", uai)
        session.commit()
        return changed

    try:
        changed = await _db(request, apply)
    except BadUai as exc:
        t = translator(request_locale(request))
        return await _render(request, admin, 400, t("admin.gar.bad_uai", uai=exc.value))
    outcome = ("added" if action == "add" else "removed") if changed else "unchanged"
    return RedirectResponse(f"{PAGE}?gar={outcome}", status_code=303)
