"""Public LTI URLs: /lti/login, /lti/launch, /lti/jwks, /.well-known/jwks.json.

The routes read the request (query + form, cookies) and hand it to pylti1p3's login and launch
objects (hardened subclasses in `lti_tool.launch`), run in the thread pool; provisioning follows in
one transaction, then the session token (cookie and cookie-less `?lt=`) leads to the landing page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from content_bank.loader import default_referential
from core import metrics
from core.links import profile_account_id
from engine.scoring import Scorecard
from learning import use_cases as learning_use_cases
from lti_tool import keys
from lti_tool.launch.adapters import CookieJar, FastAPIRequest, LoopBridge, StoreLaunchDataStorage, StoreSessionService
from lti_tool.launch.claims import DEEP_LINKING
from lti_tool.launch.launch_log import record_launch_event
from lti_tool.launch.login import ToolOIDCLogin, new_window_login_url
from lti_tool.launch.message import LaunchMessage
from lti_tool.launch.message_launch import CookiesBlocked, ToolMessageLaunch
from lti_tool.launch.oidc_login import login_param
from lti_tool.launch.provisioning import Provisioned, provision
from lti_tool.launch.return_url import ReturnUrlPolicy
from lti_tool.routes.state import lti
from web import params
from web.auth import SESSION_COOKIE
from web.cookies import set_cookie
from web.errors import LaunchRefused
from web.locale import accept_language, token_locale
from web.pages import refusal
from web.state import ToolState, tool
from web.tokens import SessionData

router = APIRouter()
_BRIDGE = LoopBridge()
PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


_UNREADABLE = LaunchRefused(400, "La demande contient des caractères invalides.",
                            "Lancez l'activité depuis votre plateforme (Moodle, ENT...).", "bad_characters")


async def _params(request: Request) -> dict[str, str]:
    """Query and form values of a login or launch; a value with control characters (NUL...) is refused here,
    before it reaches the database or the store (through `web.params`)."""
    values = {k: v for k, v in request.query_params.items()}
    if request.method == "POST":
        try:
            form = await request.form()
        except Exception as exc:  # malformed body: a refusal, never a 5xx
            raise LaunchRefused(400, "Le formulaire reçu est illisible.", "Relancez l'activité.", "bad_form") from exc
        values.update({k: v for k, v in form.items() if isinstance(v, str)})
    if any(params.text(v, len(v)) is None for v in values.values()):
        raise _UNREADABLE
    return values


def _services(state: ToolState, lti_request: FastAPIRequest, *,
              deferred: bool = False) -> tuple[StoreSessionService, CookieJar]:
    """pylti1p3's session service over the store (`deferred`: writes collected, then flushed by the caller)."""
    settings = state.settings
    storage = StoreLaunchDataStorage(state.store, settings.launch_ttl_seconds, deferred=deferred)
    sessions = StoreSessionService(storage, settings.state_ttl_seconds, settings.nonce_ttl_seconds,
                                   settings.launch_ttl_seconds)
    return sessions, CookieJar(lti_request)


@router.api_route("/lti/login", methods=["GET", "POST"])
async def login(request: Request) -> Response:
    """pylti1p3's login runs on the event loop: the registration is read first (cache, or the database in
    the thread pool), the state record is written after (async Redis), so nothing in between blocks."""
    state = tool(request)
    values = await _params(request)
    iss, client_id = login_param(values, "iss"), login_param(values, "client_id")
    candidates = await lti(request).registrations.for_login(iss, client_id) if iss else []
    lti_request = FastAPIRequest(values, request.cookies, state.settings.secure_cookies)
    settings = state.settings
    sessions, cookies = _services(state, lti_request, deferred=True)
    oidc = ToolOIDCLogin(lti_request, lti(request).tool_conf, sessions, cookies,
                         registrations=lambda _iss, _client_id: candidates, state_ttl=settings.state_ttl_seconds,
                         in_iframe=request.headers.get("sec-fetch-dest") == "iframe",
                         locale=accept_language(request.headers.get("accept-language")))
    try:
        response = oidc.redirect(settings.launch_url)
    except LaunchRefused as refused:
        await _log_refusal(state, refused, {"iss": values.get("iss"), "aud": values.get("client_id"),
                                            "deployment_id": values.get("lti_deployment_id")})
        raise
    await sessions.data_storage.flush()  # the state is stored before the browser can follow the redirect
    return response


async def _log_refusal(state: ToolState, refused: LaunchRefused, claimed: dict[str, Any]) -> None:
    """The admin area's "recent refusals": what the request claimed (unverified), the code and the reason."""
    def text(value: Any) -> str | None:
        return value[:512] if isinstance(value, str) and value else None

    metrics.LTI_REFUSALS.labels(refused.code).inc()
    aud = claimed.get("aud")
    await record_launch_event(
        state.store, outcome="refused", code=refused.code, issuer=text(claimed.get("iss")),
        client_id=text(aud[0] if isinstance(aud, list) and aud else aud),
        deployment_id=text(claimed.get("deployment_id")), reason=refused.reason, at=datetime.now(UTC),
    )


def current_scorecards(session: Session, account_id: int) -> Sequence[Scorecard]:
    """A learner's scorecards now, for results sent at a first launch (`grades.backfill`): a linked account's are
    its profile account's."""
    return learning_use_cases.profile(session, default_referential(), profile_account_id(session, account_id),
                                      datetime.now(UTC)).scorecards


def locale_of(message: LaunchMessage) -> str:
    presentation = message.claims.get(PRESENTATION)
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    return "en" if isinstance(locale, str) and locale.lower().startswith("en") else "fr"


@router.post("/lti/launch")
async def launch(request: Request) -> Response:
    state, door = tool(request), lti(request)
    form = await _params(request)
    lti_request = FastAPIRequest(form, request.cookies, state.settings.secure_cookies)
    sessions, cookies = _services(state, lti_request)
    message_launch = ToolMessageLaunch(
        lti_request, door.tool_conf, sessions, cookies, registration_by_id=door.registrations.by_id_sync,
        key_lookup=lambda url, kid: door.jwks.cached_key(url, kid) or _BRIDGE.run(door.jwks.key_for, url, kid),
        leeway_seconds=state.settings.clock_leeway_seconds,
        return_urls=ReturnUrlPolicy.from_settings(state.settings.deep_link_return_hosts, state.settings.base_url),
    )

    def validate_and_provision() -> tuple[LaunchMessage, Provisioned, int]:
        message = message_launch.message()
        registration = door.registrations.by_id_sync(message.registration_id)
        generation = registration.session_generation if registration is not None else -1
        return message, provision(state.sessions, message, scorecards_of=current_scorecards,
                                  locale=locale_of(message)), generation

    try:
        message, provisioned, generation = await run_in_threadpool(validate_and_provision)
    except LaunchRefused as refused:
        await _log_refusal(state, refused, message_launch.claimed())
        # the refusal page speaks the language the (unverified) token asks for, else the browser's
        request.state.locale = token_locale(form.get("id_token")) or accept_language(
            request.headers.get("accept-language"))
        if isinstance(refused, CookiesBlocked):
            return cookies_blocked_page(request, refused, state)
        raise
    metrics.LTI_LAUNCHES.labels(message.message_type).inc()
    await record_launch_event(state.store, outcome="accepted", code=message.message_type, issuer=message.issuer,
                              client_id=message.client_id, deployment_id=message.deployment_id, reason=None,
                              at=datetime.now(UTC))
    token = state.codec.dumps(SessionData(
        provisioned.account_id, message.launch_id, message.role, provisioned.activity_id, provisioned.course_id,
        locale_of(message), platform=message.registration_id, platform_generation=generation,
    ))
    if message.message_type == DEEP_LINKING:
        target = f"/lti/selection/{message.launch_id}?lt={token}"
    else:
        target = f"/activites/{provisioned.activity_id}?lt={token}"
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, SESSION_COOKIE, token, state.settings.session_max_age_seconds, state.settings.secure_cookies)
    return cookies.apply(response)


def cookies_blocked_page(request: Request, blocked: CookiesBlocked, state: ToolState) -> Response:
    """Never lose a launch silently: say what happened, and restart the login at top level. Over plain HTTP
    the page also says that a tool on another site than the platform needs HTTPS: there, the new window's
    launch (a cross-site POST) comes back without the tool's SameSite=Lax cookie as well."""
    url = new_window_login_url(state.settings.base_url, blocked.login_params) if blocked.login_params else None
    return refusal(request, blocked.status, blocked.reason, blocked.advice, blocked.code, new_window_url=url,
                   http_cross_site=not state.settings.secure_cookies)


async def _jwks(request: Request) -> JSONResponse:
    state = tool(request)

    def load() -> dict:
        with state.sessions() as session:
            return keys.published_jwks(session, state.settings.key_grace_seconds)

    return JSONResponse(await run_in_threadpool(load), headers={"cache-control": "public, max-age=300"})


router.add_api_route("/lti/jwks", _jwks, methods=["GET"])
router.add_api_route("/.well-known/jwks.json", _jwks, methods=["GET"])
