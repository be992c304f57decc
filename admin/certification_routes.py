"""Admin area page `/admin/certification`: the certification centres (open a school's centre by its UAI, change a
centre's settings, name or remove its staff by their GAR or LTI identity), on the admin area's session and page
helpers; every change audited (account ids only, never a name or an identifier)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from admin.routes import _actor, _admin, _csrf_refused, _db, _form, _private, _to_login
from certification import centres, repository
from certification.access import SessionCreators, StaffRole
from certification.errors import StaffRefusal
from certification.models import CentreRow, SessionRow
from core import audit
from engine.certification.records import CertificationVersion
from web import params
from web.i18n import translator
from web.locale import request_locale
from web.pages import render

router = APIRouter(prefix="/admin/certification")
PAGE = "/admin/certification"
NOTICES = ("opened", "saved", "named", "removed")  # `?ok=<name>`: the notice `admin.certif.notice.<name>`
ERRORS = ("invalid", "centre_exists", "unknown", "person_unknown", "person_ambiguous")  # `admin.certif.error.<code>`


def _centres(session: Session) -> list[tuple[object, int]]:
    counts = dict(session.execute(select(SessionRow.centre_id, func.count(SessionRow.id))
                                  .group_by(SessionRow.centre_id)).all())
    return [(c, counts.get(c.id, 0)) for c in repository.all_centres(session)]


async def _render(request: Request, admin, status_code: int = 200, error: str | None = None) -> Response:  # type: ignore[no-untyped-def]
    rows = await _db(request, _centres)
    return _private(render(request, "certif/admin_centres.html", status_code=status_code, admin=admin,
                           csrf=admin.csrf, notice=_notice(request), rows=rows,
                           error=error, versions=tuple(CertificationVersion), creators=tuple(SessionCreators)))


def _notice(request: Request) -> str | None:
    ok = request.query_params.get("ok", "")
    return translator(request_locale(request))(f"admin.certif.notice.{ok}") if ok in NOTICES else None


def _error(request: Request, exc: StaffRefusal) -> str:
    """The error in the request's language; an invalid field's `detail` is its code (`certif.field.<detail>`)."""
    t = translator(request_locale(request))
    key = f"admin.certif.error.{exc.code}" if exc.code in ERRORS else "admin.certif.error.other"
    field = f"certif.field.{exc.detail}"
    detail = t(field) if exc.detail and t(field) != field else exc.detail
    return t(key, detail=detail, code=exc.code)


async def _posted(request: Request) -> tuple[Any, dict[str, str]] | Response:
    """A POST of this page: the admin session and the form whose CSRF token matched, or the page to answer."""
    admin = await _admin(request)
    if admin is None:
        return _to_login()
    form = await _form(request, admin)
    if form is None:
        return _csrf_refused(request, admin)
    return admin, form


async def _apply(request: Request, work: Callable[[Session], None], done: str,
                 refused: Callable[[StaffRefusal], Awaitable[Response]]) -> Response:
    """Run the change (use case and audit entry) in one transaction; a refusal's page, else the redirect."""
    def run(session: Session) -> None:
        work(session)
        session.commit()

    try:
        await _db(request, run)
    except StaffRefusal as exc:
        return await refused(exc)
    return RedirectResponse(done, status_code=303)


@router.get("")
async def centres_page(request: Request) -> Response:
    admin = await _admin(request)
    if admin is None:
        return _to_login()
    return await _render(request, admin)


@router.post("/centres")
async def open_centre(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    admin, form = posted
    name = params.text(form.get("name", ""), 512)

    def work(session: Session) -> None:
        centre = centres.open_school_centre(session, form.get("uai", ""), name or "", None)
        audit.record(session, _actor(admin), "certification.centre.open", centre.uai, name=centre.name)

    return await _apply(request, work, f"{PAGE}?ok=opened",
                        lambda exc: _render(request, admin, exc.status, _error(request, exc)))


@router.post("/centres/{centre_id}")
async def centre_settings(request: Request, centre_id: str) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    admin, form = posted
    cid = params.record_id(centre_id)

    def work(session: Session) -> None:
        if cid is None:
            raise StaffRefusal("unknown", 404)
        try:
            settings = centres.CentreSettings(
                params.text(form.get("name", ""), 512) or "", CertificationVersion(form.get("version", "")),
                SessionCreators(form.get("session_creators", "")), form.get("publication", ""),
                params.text(form.get("address", ""), 512))
        except ValueError as exc:
            raise StaffRefusal("invalid", 400, "settings") from exc
        centre = centres.change_settings(session, cid, settings, None)
        audit.record(session, _actor(admin), "certification.centre.settings", str(centre.id),
                     version=centre.version, publication=centre.publication,
                     session_creators=centre.session_creators)

    return await _apply(request, work, f"{PAGE}?ok=saved",
                        lambda exc: _render(request, admin, exc.status, _error(request, exc)))


# --- a centre's staff ------------------------------------------------------------------------------------------

def _staff_path(centre_id: int) -> str:
    return f"{PAGE}/centres/{centre_id}/personnels"


async def _render_staff(request: Request, admin, centre_id: int, status_code: int = 200,  # type: ignore[no-untyped-def]
                        error: str | None = None) -> Response:
    def read(session: Session):  # type: ignore[no-untyped-def]
        return session.get(CentreRow, centre_id), centres.named_staff(session, centre_id)

    centre, staff = await _db(request, read)
    if centre is None:
        return await _render(request, admin, 404, _error(request, StaffRefusal("unknown", 404)))
    return _private(render(request, "certif/admin_staff.html", status_code=status_code, admin=admin,
                           csrf=admin.csrf, notice=_notice(request), error=error,
                           centre=centre, staff=staff, roles=tuple(StaffRole)))


@router.get("/centres/{centre_id}/personnels")
async def staff_page(request: Request, centre_id: str) -> Response:
    admin = await _admin(request)
    if admin is None:
        return _to_login()
    cid = params.record_id(centre_id)
    if cid is None:
        return await _render(request, admin, 404, _error(request, StaffRefusal("unknown", 404)))
    return await _render_staff(request, admin, cid)


@router.post("/centres/{centre_id}/personnels")
async def name_staff(request: Request, centre_id: str) -> Response:
    """Name a person (by GAR IDO or LTI `sub`, with the platform's issuer if needed) manager or member."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    admin, form = posted
    cid = params.record_id(centre_id)
    if cid is None:
        return await _render(request, admin, 404, _error(request, StaffRefusal("unknown", 404)))

    def work(session: Session) -> None:
        if session.get(CentreRow, cid) is None:
            raise StaffRefusal("unknown", 404)
        try:
            role = StaffRole(form.get("role", ""))
        except ValueError as exc:
            raise StaffRefusal("invalid", 400, "role") from exc
        account_id = centres.find_person(session, form.get("identifier", ""), form.get("issuer", ""))
        centres.name_staff(session, cid, account_id, role)
        audit.record(session, _actor(admin), "certification.staff.name", str(cid), account_id=account_id,
                     role=role.value)

    return await _apply(request, work, f"{_staff_path(cid)}?ok=named",
                        lambda exc: _render_staff(request, admin, cid, exc.status, _error(request, exc)))


@router.post("/centres/{centre_id}/personnels/{account_id}/retirer")
async def remove_staff(request: Request, centre_id: str, account_id: str) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    admin, _form_fields = posted
    cid, aid = params.record_id(centre_id), params.record_id(account_id)
    if cid is None or aid is None:
        return await _render(request, admin, 404, _error(request, StaffRefusal("unknown", 404)))

    def work(session: Session) -> None:
        centres.remove_staff(session, cid, aid)
        audit.record(session, _actor(admin), "certification.staff.remove", str(cid), account_id=aid)

    return await _apply(request, work, f"{_staff_path(cid)}?ok=removed",
                        lambda exc: _render_staff(request, admin, cid, exc.status, _error(request, exc)))
