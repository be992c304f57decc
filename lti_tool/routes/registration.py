"""`GET /lti/register`: LTI Dynamic Registration, opened by the platform (Moodle: Manage tools)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from lti_tool.dynreg.errors import RegistrationFailed
from lti_tool.dynreg.service import register_tool
from lti_tool.dynreg.settings import DynRegSettings
from lti_tool.dynreg.tool_profile import ToolUrls
from web.i18n import ENGLISH_REFUSALS, translator
from web.locale import accept_language
from web.pages import render
from web.security import content_security_policy
from web.state import ToolState

router = APIRouter()
log = logging.getLogger("lti_tool.dynreg")


def _frame_ancestors(config_url: str | None) -> str:
    """The platform opens this page in an iframe before it is registered: allow the origin of its configuration
    URL (the issuer's host, checked by the service) instead of the registered platforms only."""
    try:
        parts = urlsplit(config_url or "")
        ok = parts.scheme in ("http", "https") and parts.hostname and all(c not in parts.netloc for c in " ;,'\"*")
    except ValueError:  # a malformed URL: the service refuses it with a 400
        ok = False
    origin = f" {parts.scheme}://{parts.netloc}" if ok else ""
    return content_security_policy(frame_ancestors="'self'" + origin)


@router.get("/lti/register")
async def dynamic_registration(request: Request) -> HTMLResponse:
    state: ToolState = request.app.state.tool
    params = request.query_params
    csp = {"content-security-policy": _frame_ancestors(params.get("openid_configuration"))}
    locale = accept_language(request.headers.get("accept-language"))  # the administrator's browser
    t = translator(locale)
    urls = ToolUrls(state.settings.base_url, DynRegSettings().tool_name)
    try:
        outcome = await register_tool(request.app.state.dynreg_http, state.store, state.sessions, urls,
                                      params.get("openid_configuration"), params.get("registration_token"),
                                      resolver=request.app.state.dynreg_resolver)
    except RegistrationFailed as exc:
        log.info("dynamic registration failed: %s (%s)", exc.code, exc.reason)
        reason, advice = exc.reason, exc.advice
        if locale == "en":
            reason = ENGLISH_REFUSALS.get(f"dynreg.refusal.{exc.code}", reason)
            advice = ENGLISH_REFUSALS.get(f"dynreg.refusal.{exc.code}.advice",
                                          ENGLISH_REFUSALS["dynreg.refusal.generic.advice"])
        response = render(request, "dynreg.html", status_code=exc.status, ok=False, reason=reason,
                          advice=advice, code=exc.code, t=t)
        response.headers.update(csp)
        return response
    log.info("dynamic registration: %s client %s deployment %s", outcome.platform.issuer, outcome.client_id,
             outcome.deployment_id)
    response = render(request, "dynreg.html", ok=True, outcome=outcome, platform=outcome.platform, t=t,
                      tool_name=urls.client_name)
    response.headers.update(csp)
    return response
