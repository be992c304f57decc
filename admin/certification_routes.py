"""Admin area page `/admin/certification`: the certification centres (open a school's centre by its UAI, change a
centre's settings), on the admin area's session and page helpers; every change audited."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from admin.routes import _actor, _admin, _csrf_refused, _db, _form, _private, _to_login
from certification import centres, repository
from certification.access import SessionCreators
from certification.errors import StaffRefusal
from certification.models import SessionRow
from core import audit
from engine.certification.records import CertificationVersion
from web import params
from web.i18n import translator
from web.locale import request_locale
from web.pages import render

router = APIRouter(prefix="/admin/certification")
PAGE = "/admin/certification"
NOTICES = ("opened", "saved")  # `?ok=<name>`: the notice `admin.certif.notice.<name>` (web/locales)
ERRORS = ("invalid", "centre_exists", "unknown")  # `admin.certif.error.<code>`, else `admin.certif.error.other`


def _centres(session: Session) -> list[tuple[object, int]]:
    counts = dict(session.execute(select(SessionRow.centre_id, func.count(SessionRow.id))
                                  .group_by(SessionRow.centre_id)).all())
    return [(c, counts.get(c.id, 0)) for c in repository.all_centres(session)]


async def _render(request: Request, admin, status_code: int = 200, error: str | None = None) -> Response:  # type: ignore[no-untyped-def]
    rows = await _db(request, _centres)
    ok = request.query_params.get("ok", "")
    notice = translator(request_locale(request))(f"admin.certif.notice.{ok}") if ok in NOTICES else None
    return _private(render(request, "certif/admin_centres.html", status_code=status_code, admin=admin,
                           csrf=admin.csrf, notice=notice, rows=rows,
                           error=error, versions=tuple(CertificationVersion), creators=tuple(SessionCreators)))


def _error(request: Request, exc: StaffRefusal) -> str:
    key = f"admin.certif.error.{exc.code}" if exc.code in ERRORS else "admin.certif.error.other"
    return translator(request_locale(request))(key, detail=exc.detail, code=exc.code)


@router.get("")
async def centres_page(request: Request) -> Response:
    admin = await _admin(request)
    if admin is None:
        return _to_login()
    return await _render(request, admin)


@router.post("/centres")
async def open_centre(request: Request) -> Response:
    admin = await _admin(request)
    if admin is None:
        return _to_login()
    form = await _form(request, admin)
    if form is None:
        return _csrf_refused(request, admin)
    name = params.text(form.get("name", ""), 512)

    def apply(session: Session) -> None:
        centre = centres.open_school_centre(session, form.get("uai", ""), name or "", None)
        audit.record(session, _actor(admin), "certification.centre.open", centre.uai, name=centre.name)
        session.commit()

    try:
        await _db(request, apply)
    except StaffRefusal as exc:
        return await _render(request, admin, exc.status, _error(request, exc))
    return RedirectResponse(f"{PAGE}?ok=opened", status_code=303)


@router.post("/centres/{centre_id}")
async def centre_settings(request: Request, centre_id: str) -> Response:
    admin = await _admin(request)
    if admin is None:
        return _to_login()
    form = await _form(request, admin)
    if form is None:
        return _csrf_refused(request, admin)
    cid = params.record_id(centre_id)
    try:
        if cid is None:
            raise StaffRefusal("unknown", 404)
        try:
            settings = centres.CentreSettings(
                params.text(form.get("name", ""), 512) or "", CertificationVersion(form.get("version", "")),
                SessionCreators(form.get("session_creators", "")), form.get("publication", ""),
                params.text(form.get("address", ""), 512))
        except ValueError as exc:
            raise StaffRefusal("invalid", 400, "paramètres") from exc

        def apply(session: Session) -> None:
            centre = centres.change_settings(session, cid, settings, None)
            audit.record(session, _actor(admin), "certification.centre.settings", str(centre.id),
                         version=centre.version, publication=centre.publication,
                         session_creators=centre.session_creators)
            session.commit()

        await _db(request, apply)
    except StaffRefusal as exc:
        return await _render(request, admin, exc.status, _error(request, exc))
    return RedirectResponse(f"{PAGE}?ok=saved", status_code=303)
