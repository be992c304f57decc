"""GAR web routes: SP metadata, SP-initiated login, assertion consumer, teacher class page, roster upload,
birth-date reconciliation for students."""

from __future__ import annotations

import base64
import binascii
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import defusedxml.ElementTree as SafeET
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from core import metrics
from ent_gar_connector import admin_routes, link_routes, logout, views
from ent_gar_connector.identity import GarAttributeError, identity_from_attributes
from ent_gar_connector.provisioning import NotSubscribed, provision
from ent_gar_connector.reconciliation import Names, has_roster, listed_names, reconcile
from ent_gar_connector.roster import import_roster, parse_date, parse_roster
from ent_gar_connector.saml_sp import ASK_ADMIN, RETRY, GarServiceProvider, refused
from ent_gar_connector.settings import GarSettings
from privacy.retention import RetentionSettings
from web import params
from web.auth import SESSION_COOKIE
from web.auth import session_data as _session
from web.cookies import set_cookie
from web.errors import LaunchRefused
from web.i18n import translator
from web.locale import accept_language, request_locale
from web.pages import render
from web.state import tool
from web.tokens import SessionData

log = logging.getLogger("ent_gar_connector")
router = APIRouter()
router.include_router(admin_routes.router)
router.include_router(logout.router)
router.include_router(link_routes.router)
REQUEST_KEY = "gar:authn:"
ASSERTION_KEY = "gar:assertion:"
RECONCILE_KEY = "gar:reconcile:"
STUDENT_HOME = "/profil"
STAFF_HOME = "/gar/classes"
SAFE_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$")
SAML_NS = "{urn:oasis:names:tc:SAML:2.0:protocol}"


def service_provider(request: Request) -> GarServiceProvider:
    """Built on first use from `app.state.gar_settings` (tests) or the environment."""
    app_state = request.app.state
    sp = getattr(app_state, "gar_sp", None)
    if sp is None:
        settings = getattr(app_state, "gar_settings", None) or GarSettings()
        sp = GarServiceProvider(settings, tool(request).settings.base_url)
        app_state.gar_sp = sp
    return sp


def safe_relay_state(value: str | None) -> str | None:
    """A relative path on this site (single leading slash, no scheme, host or backslash), else None."""
    if not value or len(value) > 512 or not SAFE_PATH.match(value):
        return None
    return value


@router.get("/gar/metadata")
async def metadata(request: Request) -> Response:
    xml = await run_in_threadpool(service_provider(request).sp_metadata)
    return Response(xml, media_type="application/samlmetadata+xml")


@router.get("/gar/login")
async def login(request: Request) -> Response:
    state, sp = tool(request), service_provider(request)
    relay = safe_relay_state(request.query_params.get("RelayState") or request.query_params.get("target")) or ""
    request_id, location = await run_in_threadpool(sp.authn_request, relay)
    await state.store.set(REQUEST_KEY + request_id, relay or "-", sp.settings.request_ttl_seconds)
    return RedirectResponse(location, status_code=302)


def _in_response_to(saml_response: str, acs_url: str) -> str:
    try:
        root = SafeET.fromstring(base64.b64decode(saml_response, validate=False))
    except (binascii.Error, ValueError, SafeET.ParseError) as exc:
        raise refused("La réponse du GAR est illisible.", "gar_bad_response") from exc
    except Exception as exc:  # defusedxml refuses entities, DTDs...
        raise refused("La réponse du GAR est illisible.", "gar_bad_response") from exc
    if root.tag != SAML_NS + "Response":
        raise refused("La réponse du GAR est illisible.", "gar_bad_response")
    if root.get("Destination") != acs_url:
        raise refused("La réponse du GAR n'est pas adressée à ce service.", "gar_wrong_destination")
    value = root.get("InResponseTo")
    if not value:
        raise refused("Cette réponse du GAR n'a pas été demandée par ce service (connexion non sollicitée).",
                      "gar_unsolicited")
    return value


@router.post("/gar/acs")
async def assertion_consumer(request: Request) -> Response:
    """The GAR's answer to a login; `pix_lti_gar_logins_total{outcome}` counts "accepted" or the refusal code."""
    try:
        response = await _assertion_consumer(request)
    except LaunchRefused as exc:
        metrics.GAR_LOGINS.labels(exc.code).inc()
        raise
    metrics.GAR_LOGINS.labels("accepted").inc()
    return response


async def _assertion_consumer(request: Request) -> Response:
    state, sp = tool(request), service_provider(request)
    try:
        form = await request.form()
    except Exception as exc:
        raise refused("Le formulaire reçu est illisible.", "bad_form") from exc
    saml_response = form.get("SAMLResponse")
    if not isinstance(saml_response, str) or not saml_response.strip():
        raise refused("Aucune réponse du GAR n'a été reçue.", "gar_no_response")
    if len(saml_response) > sp.settings.max_response_bytes:
        raise refused("La réponse du GAR est trop volumineuse.", "gar_bad_response")
    request_id = _in_response_to(saml_response, sp.acs_url)
    relay = await state.store.pop(REQUEST_KEY + request_id)  # consumed once, whatever happens next
    if relay is None:
        raise refused("Cette connexion a expiré ou a déjà été utilisée.", "gar_unsolicited")
    verified = await run_in_threadpool(sp.verify_response, saml_response, request_id)
    now = datetime.now(UTC)
    ttl = int((verified.not_on_or_after - now).total_seconds()) + sp.settings.clock_leeway_seconds
    if not await state.store.set_nx(ASSERTION_KEY + verified.assertion_id, "1", max(ttl, 60)):
        raise refused("Cette réponse du GAR a déjà été utilisée (rejeu).", "gar_replayed")
    try:
        identity = identity_from_attributes(verified.attributes)
    except GarAttributeError as exc:
        raise LaunchRefused(exc.status, exc.reason, ASK_ADMIN, exc.code) from exc
    try:
        provisioned = await run_in_threadpool(provision, state.sessions, identity, now)
    except NotSubscribed as exc:
        raise LaunchRefused(
            403, f"Votre établissement ({', '.join(exc.uais)}) n'est pas abonné à cette ressource.",
            "Le chef d'établissement ou le référent numérique peut demander l'abonnement dans la console "
            "du GAR ; vous pourrez ensuite vous connecter.", "gar_not_subscribed") from exc
    launch_id = "gar:" + secrets.token_urlsafe(12)
    # the GAR sends no language: the browser's (its cross-site POST carries no cookie of ours, so no remembered switch)
    locale = accept_language(request.headers.get("accept-language"))
    token = state.codec.dumps(SessionData(provisioned.account_id, launch_id, provisioned.role, None, None,
                                          locale=locale))
    if verified.subject is not None:
        await logout.remember_login(state.store, launch_id, verified.subject, state.settings.session_max_age_seconds)
    asked = safe_relay_state(relay if relay != "-" else None)
    if provisioned.role == "student":
        target = asked or STUDENT_HOME
        if await run_in_threadpool(_wants_reconciliation, state.sessions, provisioned.account_id):
            target = "/gar/rapprochement?suite=" + quote(target, safe="/")
    else:
        target = asked if asked and asked.startswith("/gar/") else STAFF_HOME
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, SESSION_COOKIE, token, state.settings.session_max_age_seconds,
               state.settings.secure_cookies)
    log.info("GAR login: account %s (%s, %s)", provisioned.account_id, provisioned.role,
             "created" if provisioned.created else "found")
    return response


def _wants_reconciliation(sessions, account_id: int) -> bool:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return listed_names(session, account_id) is None and has_roster(session, account_id)


# -- pages behind a GAR session ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class GarPage:
    data: SessionData
    csrf: str


def _gar_session(request: Request, staff: bool | None) -> GarPage:
    """The GAR session of the request: staff only (True), students only (False) or anyone (None)."""
    data = _session(request)
    if not data.launch_id.startswith("gar:"):
        raise LaunchRefused(403, "Cette page est réservée aux connexions par le médiacentre (GAR).", RETRY, "not_gar")
    if staff is True and data.role == "student":
        raise LaunchRefused(403, "Cette page est réservée aux personnels de l'établissement.", RETRY, "staff_only")
    if staff is False and data.role != "student":
        raise LaunchRefused(403, "Cette page est réservée aux élèves.", RETRY, "students_only")
    return GarPage(data, tool(request).codec.csrf_token(data))


async def _form(request: Request, page: GarPage) -> dict[str, object]:
    try:
        form = await request.form()
    except Exception as exc:
        raise LaunchRefused(400, "Le formulaire reçu est illisible.", "Rechargez la page.", "bad_form") from exc
    if not params.same_secret(page.csrf, form.get("csrf")):
        raise LaunchRefused(403, "Le formulaire a expiré ou ne vient pas de cette page.", "Rechargez la page.",
                            "bad_csrf")
    return dict(form)


@router.get("/gar/classes")
async def classes_page(request: Request) -> Response:
    page = _gar_session(request, staff=True)
    classes = await run_in_threadpool(views.staff_classes, tool(request).sessions, page.data.account_id)
    may_upload = await run_in_threadpool(views.may_upload_roster, tool(request).sessions, page.data.account_id,
                                         service_provider(request).settings.roster_profiles)
    return render(request, "gar/classes.html", page=classes, schools=classes.schools, csrf=page.csrf,
                  saved=request.query_params.get("enregistre") == "1", may_upload=may_upload)


@router.post("/gar/classes/reglage")
async def classes_setting(request: Request) -> Response:
    """The school head opens (or closes) every class of the school to its teachers."""
    page = _gar_session(request, staff=True)
    form = await _form(request, page)
    uai, value = str(form.get("uai") or ""), form.get("enseignants_toutes_classes") == "1"
    changed = await run_in_threadpool(views.set_teachers_see_all_classes, tool(request).sessions,
                                      page.data.account_id, uai, value)
    if not changed:
        raise LaunchRefused(403, "Seule la direction de l'établissement peut changer ce réglage.", RETRY,
                            "school_head_only")
    log.info("GAR school %s: teachers_see_all_classes=%s (account %s)", uai, value, page.data.account_id)
    return RedirectResponse("/gar/classes?enregistre=1", status_code=303)


async def _roster_uploader(request: Request) -> GarPage:
    """A GAR staff session whose profile may upload the class list (heads of school by default)."""
    page = _gar_session(request, staff=True)
    allowed = service_provider(request).settings.roster_profiles
    if not await run_in_threadpool(views.may_upload_roster, tool(request).sessions, page.data.account_id, allowed):
        raise LaunchRefused(403, "Seule la direction de l'établissement peut déposer la liste des élèves.",
                            "Elle contient des données personnelles d'élèves mineurs : adressez-vous au chef "
                            "d'établissement.", "roster_not_allowed")
    return page


@router.get("/gar/roster")
async def roster_page(request: Request) -> Response:
    page = await _roster_uploader(request)
    uais = await run_in_threadpool(views.staff_uais, tool(request).sessions, page.data.account_id)
    return _roster_page(request, page, uais, [], None)


@router.post("/gar/roster")
async def roster_upload(request: Request) -> Response:
    page = await _roster_uploader(request)
    form = await _form(request, page)
    state = tool(request)
    uais = await run_in_threadpool(views.staff_uais, state.sessions, page.data.account_id)
    uai = str(form.get("uai") or (uais[0] if uais else ""))
    if uai not in uais:
        raise LaunchRefused(403, "Vous ne pouvez importer que la liste de votre établissement.", RETRY, "wrong_school")
    upload = form.get("fichier")
    if upload is None or isinstance(upload, str):
        t = translator(request_locale(request))
        return _roster_page(request, page, uais, [(0, t("gar.roster.no_file"))], None, 400)
    data = await upload.read()  # type: ignore[union-attr]
    lines, errors = parse_roster(data)
    if errors:
        t = translator(request_locale(request))
        worded = [(e.line, t(f"gar.roster.error.{e.code}", **dict(e.values)) if e.code else e.message) for e in errors]
        return _roster_page(request, page, uais, worded, None, 400)

    def save():  # type: ignore[no-untyped-def]
        with state.sessions.begin() as session:
            return import_roster(session, uai, lines, f"gar:account:{page.data.account_id}")

    result = await run_in_threadpool(save)
    return _roster_page(request, page, uais, [], result, uai=uai)


def _roster_page(request: Request, page: GarPage, uais: list[str], errors: list[tuple[int, str]],
                 result: object, status_code: int = 200, uai: str | None = None) -> Response:
    return render(request, "gar/roster.html", status_code=status_code, csrf=page.csrf, uais=uais, errors=errors,
                  result=result, uai=uai, class_list_days=RetentionSettings().class_list_days)


@router.get("/gar/rapprochement")
async def reconciliation_page(request: Request) -> Response:
    page = _gar_session(request, staff=False)
    follow = safe_relay_state(request.query_params.get("suite")) or STUDENT_HOME
    names_known = await run_in_threadpool(views.names_known, tool(request).sessions, page.data.account_id)
    return render(request, "gar/rapprochement.html", csrf=page.csrf, suite=follow, names_known=names_known,
                  message=None, matched=None)


@router.post("/gar/rapprochement")
async def reconciliation_submit(request: Request) -> Response:
    page = _gar_session(request, staff=False)
    form = await _form(request, page)
    state, sp = tool(request), service_provider(request)
    follow = safe_relay_state(str(form.get("suite") or "")) or STUDENT_HOME
    names_known = await run_in_threadpool(views.names_known, state.sessions, page.data.account_id)
    t = translator(request_locale(request))

    def again(status: int, message: str) -> Response:
        return render(request, "gar/rapprochement.html", status_code=status, csrf=page.csrf, suite=follow,
                      names_known=names_known, message=message, matched=None)

    if not await _attempt_allowed(request, sp, page.data.account_id):
        return again(429, t("gar.match.too_many"))
    birth = parse_date(str(form.get("naissance") or ""))
    if birth is None:
        return again(400, t("gar.match.bad_date"))
    family, given = str(form.get("nom") or "").strip()[:255], str(form.get("prenom") or "").strip()[:255]
    typed = Names(family, given) if family and given else None

    def match():  # type: ignore[no-untyped-def]
        with state.sessions.begin() as session:
            names = reconcile(session, page.data.account_id, birth, typed)
            return None if names is None else f"{names.given_name} {names.family_name}"

    matched = await run_in_threadpool(match)
    if matched is None:
        return again(404, t("gar.match.no_match"))
    return render(request, "gar/rapprochement.html", csrf=page.csrf, suite=follow, names_known=names_known,
                  message=None, matched=matched)


async def _attempt_allowed(request: Request, sp: GarServiceProvider, account_id: int) -> bool:
    store = tool(request).store
    for slot in range(sp.settings.reconciliation_attempts):
        if await store.set_nx(f"{RECONCILE_KEY}{account_id}:{slot}", "1", sp.settings.reconciliation_window_seconds):
            return True
    return False
