"""The admin web area, `/admin/...`: admin accounts only (an LTI session never opens it), CSRF token on every
form, login throttled in the shared store, every change audited."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from admin import accounts, grades_view, registration_admin, throttle
from admin.registration_admin import AdminError
from admin.session import (
    COOKIE,
    LOGIN_COOKIE,
    LOGIN_FORM_SECONDS,
    MAX_AGE_SECONDS,
    AdminCodec,
    AdminSession,
    clear_admin_cookie,
    same_token,
    set_admin_cookie,
)
from content_bank.active import active_bank
from content_bank.loader import default_referential
from core import audit
from core.schools import GAR_ISSUER
from linking.use_cases import LinkError, all_links, unlink_account
from lti_tool import keys
from lti_tool.dynreg import host_approvals
from lti_tool.launch.launch_log import recent_launch_events
from lti_tool.models import ToolKey
from lti_tool.registrations import get_registration, list_registrations, registration_usage
from web import params
from web.i18n import Translator, translator
from web.locale import request_locale
from web.pages import render
from web.security import content_security_policy
from web.state import ToolState

router = APIRouter(prefix="/admin")
log = logging.getLogger("admin")
T = TypeVar("T")

# `?ok=<name>` after an action: the notice `admin.notice.<name>` (web/locales), in the page's language
NOTICES = ("host-approved", "host-refused", "added", "saved", "enabled", "disabled", "deleted", "dep-added",
           "dep-removed", "rotated", "retried", "unlinked")


def _admin_error(request: Request, exc: AdminError) -> str:
    """An operation's refusal in the page's language (its French text when it has no code)."""
    if not exc.code:
        return str(exc)
    t = _t(request)
    values = dict(exc.values)
    if values.get("field"):
        values["what"] = t(f"admin.field.{values['field']}")
    return t(f"admin.error.{exc.code}", **values)


def _t(request: Request) -> Translator:
    """The administration's words in the request's language: the switch (`?lang=`, remembered), else the
    browser's (`Accept-Language`); French first."""
    return translator(request_locale(request))


def _state(request: Request) -> ToolState:
    return request.app.state.tool


async def _codec(request: Request) -> AdminCodec:
    codec = getattr(request.app.state, "admin_codec", None)
    if codec is None:
        state = _state(request)

        def load() -> str:
            with state.sessions() as session:
                return keys.session_secret(session, state.settings.session_secret)

        codec = AdminCodec(await run_in_threadpool(load))
        request.app.state.admin_codec = codec
    return codec


async def _db(request: Request, work: Callable[[Session], T]) -> T:
    state = _state(request)

    def run() -> T:
        with state.sessions() as session:
            return work(session)

    return await run_in_threadpool(run)


async def _admin(request: Request) -> AdminSession | None:
    """The admin session of this request, if its account still exists, is active and has not logged out since
    (the cookie's generation is the account's, in the database)."""
    cookie = request.cookies.get(COOKIE)
    session = (await _codec(request)).read_session(cookie)
    if session is None:
        return None
    account = await _db(request, lambda s: accounts.active_account(s, session.account_id))
    if account is None or account.username != session.username:
        return None
    return session if account.session_generation == session.generation else None


def _to_login() -> RedirectResponse:
    return RedirectResponse("/admin/login", status_code=303)


def _private(response: Response) -> Response:
    """Admin pages are never framed (not even by a registered platform) nor cached."""
    response.headers["content-security-policy"] = content_security_policy(frame_ancestors="'none'")
    response.headers["cache-control"] = "no-store"
    return response


def _page(request: Request, admin: AdminSession, name: str, status_code: int = 200, **context: Any) -> Response:
    t = _t(request)
    ok = request.query_params.get("ok", "")
    notice = t(f"admin.notice.{ok}") if ok in NOTICES else None
    return _private(render(request, f"admin/{name}", status_code=status_code, admin=admin, csrf=admin.csrf,
                           notice=notice, t=t, **context))


async def _form(request: Request, admin: AdminSession) -> dict[str, str] | None:
    """The posted form when its CSRF token matches the session's, else None."""
    try:
        form = await request.form()
    except Exception:  # malformed body
        return None
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    return data if same_token(admin.csrf, data.get("csrf")) else None


def _csrf_refused(request: Request, admin: AdminSession) -> Response:
    return _page(request, admin, "error.html", status_code=403,
                 message=_t(request)("admin.refused.csrf"))


def _actor(admin: AdminSession) -> str:
    return f"admin:{admin.username}"


# --- login -------------------------------------------------------------------------------------------------

def _login_page(request: Request, codec: AdminCodec, status_code: int = 200, error: str | None = None) -> Response:
    token, cookie = codec.new_login_form()
    response = _private(render(request, "admin/login.html", status_code=status_code, csrf=token, error=error,
                               t=_t(request)))
    set_admin_cookie(response, LOGIN_COOKIE, cookie, LOGIN_FORM_SECONDS, _state(request).settings.secure_cookies)
    return response


@router.get("/login")
async def login_form(request: Request) -> Response:
    if await _admin(request):
        return RedirectResponse("/admin/", status_code=303)
    return _login_page(request, await _codec(request))


@router.post("/login")
async def login(request: Request) -> Response:
    state, codec = _state(request), await _codec(request)
    try:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    except Exception:
        form = {}
    if not codec.check_login_form(request.cookies.get(LOGIN_COOKIE), form.get("csrf")):
        return _login_page(request, codec, 403, _t(request)("admin.login.expired"))
    username, password = form.get("username", "")[:128], form.get("password", "")[:1024]
    address = request.client.host if request.client else "-"
    wait = await throttle.seconds_locked(state.store, username, address)
    if wait:
        log.warning("admin login delayed %s s for %r from %s", wait, username, address)
        t = _t(request)
        message = (t("admin.login.too_many_seconds", n=wait) if wait < 60
                   else t("admin.login.too_many_minutes", n=wait // 60 + 1))
        response = _login_page(request, codec, 429, message)
        response.headers["retry-after"] = str(wait)
        return response
    account = await _db(request, lambda s: accounts.authenticate(s, username, password))
    if account is None:
        await throttle.record_failure(state.store, username, address)
        log.info("admin login failed for %r from %s", username, address)
        return _login_page(request, codec, 401, _t(request)("admin.login.wrong"))
    await throttle.clear_username(state.store, username)
    _, cookie = codec.new_session(account.id, account.username, account.session_generation)
    response = RedirectResponse("/admin/", status_code=303)
    set_admin_cookie(response, COOKIE, cookie, MAX_AGE_SECONDS, state.settings.secure_cookies)
    clear_admin_cookie(response, LOGIN_COOKIE, state.settings.secure_cookies)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Ends the session for good: the account's session generation is incremented in the database, so this cookie
    (and any other of the account) no longer opens the admin area, whatever happens to Redis."""
    if (admin := await _admin(request)) is not None:
        await _db(request, lambda s: accounts.end_sessions(s, admin.account_id))
    response = _to_login()
    clear_admin_cookie(response, COOKIE, _state(request).settings.secure_cookies)
    return response


# --- pages -------------------------------------------------------------------------------------------------

@router.get("/")
@router.get("")
async def dashboard(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    regs = await _db(request, list_registrations)
    events = await recent_launch_events(_state(request).store, 20)
    grades = await _db(request, grades_view.summary)
    return _page(request, admin, "dashboard.html", registrations=regs, events=events, grades=grades,
                 bank=active_bank().info)


@router.get("/registrations")
async def registrations_page(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    regs = await _db(request, list_registrations)
    hosts = await _db(request, host_approvals.list_requests)
    return _page(request, admin, "registrations.html", registrations=regs, error=None, values={}, hosts=hosts,
                 base_url=_state(request).settings.base_url.rstrip("/"))


@router.post("/registration-hosts")
async def registration_host_decision(request: Request) -> Response:
    """Approve or refuse a platform host for dynamic registration (the pending requests of /lti/register)."""
    if not (admin := await _admin(request)):
        return _to_login()
    if (form := await _form(request, admin)) is None:
        return _csrf_refused(request, admin)
    decision = form.get("decision")
    try:
        if decision not in ("approve", "refuse"):
            raise ValueError(_t(request)("admin.refused.unknown_decision"))
        await _db(request, lambda s: host_approvals.decide(s, form.get("host", ""), decision == "approve",
                                                           _actor(admin)))
    except ValueError as exc:
        regs = await _db(request, list_registrations)
        hosts = await _db(request, host_approvals.list_requests)
        return _page(request, admin, "registrations.html", status_code=400, registrations=regs, hosts=hosts,
                     error=_t(request)("admin.refused.decision", reason=exc), values={},
                     base_url=_state(request).settings.base_url.rstrip("/"))
    return RedirectResponse(f"/admin/registrations?ok=host-{decision}d", status_code=303)


@router.post("/registrations")
async def registration_add(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    if (form := await _form(request, admin)) is None:
        return _csrf_refused(request, admin)
    deployments = [d for d in form.get("deployment_ids", "").replace(",", "\n").splitlines() if d.strip()]
    try:
        view = await _db(request, lambda s: registration_admin.add(
            s, _actor(admin), issuer=form.get("issuer", ""), client_id=form.get("client_id", ""),
            auth_login_url=form.get("auth_login_url", ""), auth_token_url=form.get("auth_token_url", ""),
            keyset_url=form.get("keyset_url", ""), deployment_ids=deployments))
    except AdminError as exc:
        regs = await _db(request, list_registrations)
        hosts = await _db(request, host_approvals.list_requests)
        return _page(request, admin, "registrations.html", status_code=400, registrations=regs,
                     error=_admin_error(request, exc), values=form, hosts=hosts,
                     base_url=_state(request).settings.base_url.rstrip("/"))
    return RedirectResponse(f"/admin/registrations/{view.id}?ok=added", status_code=303)


async def _registration_page(request: Request, admin: AdminSession, registration_id: int, status_code: int = 200,
                             error: str | None = None) -> Response:
    def load(session: Session) -> tuple[Any, int]:
        return get_registration(session, registration_id), registration_usage(session, registration_id)

    reg, usage = await _db(request, load)
    if reg is None:
        return _page(request, admin, "error.html", status_code=404,
                     message=_t(request)("admin.refused.no_registration", id=registration_id))
    return _page(request, admin, "registration.html", status_code=status_code, reg=reg, usage=usage, error=error)


def _no_such_registration(request: Request, admin: AdminSession) -> Response:
    return _page(request, admin, "error.html", status_code=404,
                 message=_t(request)("admin.refused.no_such_registration"))


@router.get("/registrations/{registration_id}")
async def registration_page(request: Request, registration_id: str) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    if (parsed := params.record_id(registration_id)) is None:
        return _no_such_registration(request, admin)
    return await _registration_page(request, admin, parsed)


_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "edit": (lambda s, actor, rid, f: registration_admin.edit(
        s, actor, rid, client_id=f.get("client_id", ""), auth_login_url=f.get("auth_login_url", ""),
        auth_token_url=f.get("auth_token_url", ""), keyset_url=f.get("keyset_url", "")), "saved"),
    "enable": (lambda s, actor, rid, f: registration_admin.set_enabled(s, actor, rid, True), "enabled"),
    "disable": (lambda s, actor, rid, f: registration_admin.set_enabled(s, actor, rid, False), "disabled"),
    "delete": (lambda s, actor, rid, f: registration_admin.delete_if_unused(s, actor, rid), "deleted"),
    "deployment-add": (lambda s, actor, rid, f: registration_admin.add_deployment(
        s, actor, rid, f.get("deployment_id", "")), "dep-added"),
    "deployment-remove": (lambda s, actor, rid, f: registration_admin.remove_deployment(
        s, actor, rid, f.get("deployment_id", "")), "dep-removed"),
}


@router.post("/registrations/{registration_id}/{action}")
async def registration_action(request: Request, registration_id: str, action: str) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    if (form := await _form(request, admin)) is None:
        return _csrf_refused(request, admin)
    if (parsed := params.record_id(registration_id)) is None:
        return _no_such_registration(request, admin)
    if action not in _ACTIONS:
        return _page(request, admin, "error.html", status_code=404, message=_t(request)("admin.refused.unknown_action"))
    operation, notice = _ACTIONS[action]
    try:
        await _db(request, lambda s: operation(s, _actor(admin), parsed, form))
    except AdminError as exc:
        return await _registration_page(request, admin, parsed, status_code=400, error=_admin_error(request, exc))
    target = "/admin/registrations" if action == "delete" else f"/admin/registrations/{parsed}"
    return RedirectResponse(f"{target}?ok={notice}", status_code=303)


@router.get("/launches")
async def launches_page(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    events = await recent_launch_events(_state(request).store, 200)
    return _page(request, admin, "launches.html", events=events)


@router.get("/grades")
async def grades_page(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    return _page(request, admin, "grades.html", grades=await _db(request, grades_view.summary))


@router.post("/grades/retry")
async def grades_retry(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    if (form := await _form(request, admin)) is None:
        return _csrf_refused(request, admin)
    ids = params.id_list(form.get("ids", ""))
    if ids is None:
        return _page(request, admin, "error.html", status_code=400, message=_t(request)("admin.refused.bad_ids"))
    try:
        await _db(request, lambda s: grades_view.retry(s, _actor(admin), ids or None))
    except AdminError as exc:
        return _page(request, admin, "error.html", status_code=400, message=_admin_error(request, exc))
    return RedirectResponse("/admin/grades?ok=retried", status_code=303)


def _keys(session: Session) -> list[ToolKey]:
    from sqlalchemy import select

    return list(session.scalars(select(ToolKey).order_by(ToolKey.id.desc())))


@router.get("/keys")
async def keys_page(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    state = _state(request)
    rows = await _db(request, lambda s: [(k.kid, k.created_at, k.retired_at) for k in _keys(s)])
    published = await _db(request, lambda s: {k["kid"] for k in keys.published_jwks(
        s, state.settings.key_grace_seconds)["keys"]})
    return _page(request, admin, "keys.html", keys=rows, published=published,
                 grace_days=state.settings.key_grace_seconds / 86400)


@router.post("/keys/rotate")
async def keys_rotate(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    if (await _form(request, admin)) is None:
        return _csrf_refused(request, admin)

    def rotate(session: Session) -> str:
        old = [k.kid for k in _keys(session) if k.retired_at is None]
        audit.record(session, _actor(admin), "keys.rotate", "tool-keys", retired=old)
        return keys.rotate(session).kid  # commits the audit entry with the new key

    await _db(request, rotate)
    return RedirectResponse("/admin/keys?ok=rotated", status_code=303)


@router.get("/audit")
async def audit_page(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    return _page(request, admin, "audit.html", entries=await _db(request, lambda s: audit.recent_entries(s, 300)))


# --- account links (issue 17) ----------------------------------------------------------------------------------

@router.get("/liaisons")
async def links_page(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    return _page(request, admin, "links.html", links=await _db(request, all_links), gar_issuer=GAR_ISSUER)


@router.post("/liaisons/{account_id}/defaire")
async def unlink(request: Request) -> Response:
    if not (admin := await _admin(request)):
        return _to_login()
    if (await _form(request, admin)) is None:
        return _csrf_refused(request, admin)
    account_id = params.record_id(request.path_params.get("account_id"))
    if account_id is None:
        return _page(request, admin, "error.html", status_code=404, message=_t(request)("admin.refused.no_account"))
    referential = default_referential()

    def work(session: Session) -> None:
        with session.begin():
            unlink_account(session, referential, account_id, actor=_actor(admin), now=datetime.now(UTC))

    try:
        await _db(request, work)
    except LinkError:
        return _page(request, admin, "error.html", status_code=404,
                     message=_t(request)("admin.refused.not_linked"))
    return RedirectResponse("/admin/liaisons?ok=unlinked", status_code=303)
