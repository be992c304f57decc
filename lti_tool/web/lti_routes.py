"""Public LTI URLs: /lti/login, /lti/launch, /lti/jwks, /.well-known/jwks.json."""

from __future__ import annotations

import json
from dataclasses import asdict

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from lti_tool import keys
from lti_tool.launch import oidc_login
from lti_tool.launch.errors import LaunchRefused
from lti_tool.launch.provisioning import provision
from lti_tool.launch.validation import DEEP_LINKING
from lti_tool.web.cookies import delete_cookie, set_cookie
from lti_tool.web.state import ToolState
from lti_tool.web.tokens import SessionData

router = APIRouter()
SESSION_COOKIE = "pix_lti_session"
STATE_COOKIE_PREFIX = "lti1p3-state-"


def tool(request: Request) -> ToolState:
    return request.app.state.tool


async def _params(request: Request) -> dict[str, str]:
    params = {k: v for k, v in request.query_params.items()}
    if request.method == "POST":
        try:
            form = await request.form()
        except Exception as exc:  # malformed body: a refusal, never a 5xx
            raise LaunchRefused(400, "Le formulaire reçu est illisible.", "Relancez l'activité.", "bad_form") from exc
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _state_cookie(request: Request, state_value: str | None) -> str | None:
    """The state this browser started, "" when it started only other launches, None when it sent no state
    cookie at all (third-party cookies blocked: the single-use server-side state still binds the launch)."""
    if state_value and request.cookies.get(STATE_COOKIE_PREFIX + state_value):
        return state_value
    if any(name.startswith(STATE_COOKIE_PREFIX) for name in request.cookies):
        return ""
    return None


@router.api_route("/lti/login", methods=["GET", "POST"])
async def login(request: Request) -> Response:
    state = tool(request)
    params = await _params(request)
    iss, client_id, login_hint, target = oidc_login.check_login_params(params)
    registration = oidc_login.choose_registration(
        await state.registrations.for_login(iss, client_id), iss, client_id, params.get("lti_deployment_id") or None
    )
    redirect, state_value, record = oidc_login.build_redirect(
        registration, params, login_hint, target, state.settings.launch_url
    )
    await state.store.set(f"state:{state_value}", record, state.settings.state_ttl_seconds)
    response = RedirectResponse(redirect.url, status_code=302)
    set_cookie(response, STATE_COOKIE_PREFIX + state_value, "1", state.settings.state_ttl_seconds,
               state.settings.secure_cookies)
    return response


@router.post("/lti/launch")
async def launch(request: Request) -> Response:
    state = tool(request)
    params = await _params(request)
    state_value = params.get("state") or None
    cookie = _state_cookie(request, state_value)
    message = await state.validator.validate(params.get("id_token"), state_value, cookie)
    provisioned = await run_in_threadpool(provision, state.sessions, message)
    stored = {k: v for k, v in asdict(message).items() if k != "claims"}
    stored["claims"] = {k: v for k, v in message.claims.items() if k != "email"}  # no email kept, even briefly
    await state.store.set(f"launch:{message.launch_id}", json.dumps(stored), state.settings.launch_ttl_seconds)
    token = state.codec.dumps(SessionData(
        provisioned.account_id, message.launch_id, message.role, provisioned.activity_id, provisioned.course_id
    ))
    if message.message_type == DEEP_LINKING:
        target = f"/lti/selection/{message.launch_id}?lt={token}"
    else:
        target = f"/activites/{provisioned.activity_id}?lt={token}"
    response = RedirectResponse(target, status_code=303)
    secure = state.settings.secure_cookies
    set_cookie(response, SESSION_COOKIE, token, state.settings.session_max_age_seconds, secure)
    if state_value and cookie == state_value:
        delete_cookie(response, STATE_COOKIE_PREFIX + state_value, secure)
    return response


async def _jwks(request: Request) -> JSONResponse:
    state = tool(request)

    def load() -> dict:
        with state.sessions() as session:
            return keys.published_jwks(session, state.settings.key_grace_seconds)

    return JSONResponse(await run_in_threadpool(load), headers={"cache-control": "public, max-age=300"})


router.add_api_route("/lti/jwks", _jwks, methods=["GET"])
router.add_api_route("/.well-known/jwks.json", _jwks, methods=["GET"])
