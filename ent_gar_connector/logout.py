"""Single logout with the GAR (front-channel, HTTP-Redirect): `/gar/slo` is the SP's SingleLogoutService,
`POST /gar/deconnexion` the "Se déconnecter" button of the GAR pages.

- The ENT logs a person out (IdP-initiated): a signed LogoutRequest naming the NameID of a login arrives at
  /gar/slo; every tool session opened by that login ends (listed as ended in the store, so the token is
  refused even where the browser does not send the cookie, e.g. in the IdP's logout iframe), the browser's
  own GAR session too; the IdP gets a signed LogoutResponse.
- The person logs out in the tool (SP-initiated): the session ends at once, then a signed LogoutRequest goes
  to the IdP, whose signed LogoutResponse comes back to /gar/slo (InResponseTo: a request the tool made,
  used once).
A login's NameID and SessionIndex are kept in the store for the session's lifetime, nothing in the database.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from ent_gar_connector.saml_sp import RETRY, SamlSubject
from ent_gar_connector.single_logout import LogoutRefused, logout_request, logout_response, read_redirect
from web.auth import SESSION_COOKIE, end_session
from web.cookies import set_cookie
from web.errors import LaunchRefused
from web.pages import render
from web.state import tool

router = APIRouter()
SUBJECT_KEY = "gar:slo:session:"  # launch id → the login's NameID and SessionIndex
NAME_ID_KEY = "gar:slo:nameid:"  # sha256(NameID) → launch id
LOGOUT_REQUEST_KEY = "gar:slo:request:"  # id of a LogoutRequest the tool sent → "1"


def _name_id_key(name_id: str) -> str:
    return NAME_ID_KEY + hashlib.sha256(name_id.encode("utf-8")).hexdigest()


async def remember_login(store: Any, launch_id: str, subject: SamlSubject, ttl: int) -> None:
    await store.set(SUBJECT_KEY + launch_id, json.dumps(subject.__dict__), ttl)
    await store.set(_name_id_key(subject.name_id), launch_id, ttl)


def _refused(exc: LogoutRefused) -> LaunchRefused:
    return LaunchRefused(400, exc.reason, RETRY, exc.code)


def _browser_gar_session(request: Request) -> str | None:
    """The launch id of the GAR session this browser's cookie carries, if any (valid or not yet ended)."""
    state = tool(request)
    data = state.codec.loads(request.cookies.get(SESSION_COOKIE), state.settings.session_max_age_seconds)
    return data.launch_id if data is not None and data.launch_id.startswith("gar:") else None


async def _end(request: Request, launch_id: str) -> SamlSubject | None:
    store = tool(request).store
    await end_session(request, launch_id)
    raw = await store.pop(SUBJECT_KEY + launch_id)
    if raw is None:
        return None
    subject = SamlSubject(**json.loads(raw))
    await store.delete(_name_id_key(subject.name_id))
    return subject


def _forget_cookie(response: Response, request: Request) -> Response:
    settings = tool(request).settings
    set_cookie(response, SESSION_COOKIE, "", 0, settings.secure_cookies)
    return response


@router.get("/gar/slo")
async def single_logout_service(request: Request) -> Response:
    from ent_gar_connector.routes import service_provider

    sp = service_provider(request)

    def read():  # type: ignore[no-untyped-def]
        certificates = sp.idp_signing_certificates()
        message = read_redirect(request.url.query, certificates)
        return message, sp.idp_entity_id(sp.client())

    try:
        message, idp_entity_id = await run_in_threadpool(read)
        leeway = sp.settings.clock_leeway_seconds
        if message.kind == "SAMLRequest":
            asked = logout_request(message, idp_entity_id, sp.slo_url, leeway)
        else:
            answer = logout_response(message, idp_entity_id, sp.slo_url, leeway)
    except LogoutRefused as exc:
        raise _refused(exc) from exc

    store = tool(request).store
    if message.kind == "SAMLResponse":
        if await store.pop(LOGOUT_REQUEST_KEY + answer.in_response_to) is None:
            raise LaunchRefused(400, "Cette réponse de déconnexion n'a pas été demandée par ce service (ou a déjà "
                                     "servi).", RETRY, "gar_logout_unsolicited")
        page = render(request, "gar/logged_out.html", everywhere=answer.success, from_ent=False)
        return _forget_cookie(page, request)

    if not await store.set_nx(LOGOUT_REQUEST_KEY + "in:" + asked.id, "1", 3600):
        raise LaunchRefused(400, "Cette demande de déconnexion du GAR a déjà été traitée.", RETRY,
                            "gar_logout_replayed")
    ended = await store.get(_name_id_key(asked.name_id))
    for launch_id in {ended, _browser_gar_session(request)} - {None}:
        await _end(request, launch_id)  # type: ignore[arg-type]
    url = await run_in_threadpool(sp.logout_response_url, asked.id, message.relay_state)
    if url is None:
        page = render(request, "gar/logged_out.html", everywhere=True, from_ent=True)
        return _forget_cookie(page, request)
    return _forget_cookie(RedirectResponse(url, status_code=302), request)


@router.post("/gar/deconnexion")
async def log_out(request: Request) -> Response:
    from ent_gar_connector.routes import _form, _gar_session, service_provider

    page = _gar_session(request, staff=None)
    await _form(request, page)
    sp = service_provider(request)
    subject = await _end(request, page.data.launch_id)
    started = None
    if subject is not None:
        try:
            started = await run_in_threadpool(sp.logout_request_url, subject, "")
        except LaunchRefused:
            started = None  # the GAR is unreachable or unconfigured: the tool's session has ended anyway
    if started is None:
        response: Response = render(request, "gar/logged_out.html", everywhere=False, from_ent=False)
    else:
        request_id, url = started
        await tool(request).store.set(LOGOUT_REQUEST_KEY + request_id, "1", sp.settings.request_ttl_seconds)
        response = RedirectResponse(url, status_code=303)
    return _forget_cookie(response, request)

