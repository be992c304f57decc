"""The teacher's picker for an LtiDeepLinkingRequest (`/lti/selection/{launch_id}`): choose competence
tests, the whole profile, campaigns of the launch's course (or create one and come back), and the grade
scale of each; the tool answers with a signed LtiDeepLinkingResponse posted back to the platform. The
launch is single-use."""

from __future__ import annotations

import json
import secrets
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from jose import jwt
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from campaigns.models import CampaignRow
from content_bank.loader import default_referential
from engine.campaigns.participation import CampaignType
from engine.config import DEFAULT_CONFIG, PIX_PER_LEVEL
from lti_tool import keys
from lti_tool.grades.content_items import (
    PROFILE_CODE,
    PROFILE_PIX,
    Choice,
    content_item,
    quick_test_item,
    response_claims,
)
from lti_tool.grades.scores import Scale, TargetKind
from web import params
from web.auth import SESSION_COOKIE, require_enabled_platform
from web.campaign_routes import campaign_service
from web.errors import RELAUNCH, LaunchRefused
from web.i18n import translator
from web.pages import render
from web.security import allow_form_action
from web.state import tool
from web.tokens import SessionData

router = APIRouter()
QUICK_TEST = "quick-test"  # the picker's value for "Essayez sans inscription"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
_TEACHERS = ("teacher", "admin")
_RETRY_SELECTION = "Fermez cette fenêtre et relancez « Sélectionner un contenu » depuis votre cours."


@lru_cache(maxsize=1)
def _competences() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """(domain code, domain name, ((competence code, name), ...)) in referential order."""
    return tuple((d.code, d.name, tuple((c.code, c.name) for c in d.competences))
                 for d in default_referential().domains)


def _session(request: Request, token: str | None) -> SessionData:
    state = tool(request)
    data = state.codec.loads(token, state.settings.launch_token_max_age_seconds)
    if data is None:
        data = state.codec.loads(request.cookies.get(SESSION_COOKIE), state.settings.session_max_age_seconds)
    if data is None:
        raise LaunchRefused(401, "Votre session est absente ou a expiré.", _RETRY_SELECTION, "no_session")
    require_enabled_platform(request, data)
    return data


async def _launch(request: Request, launch_id: str, token: str | None) -> tuple[SessionData, dict[str, Any]]:
    data = _session(request, token)
    request.state.locale = data.locale  # refusals from here on speak the teacher's language
    if data.launch_id != launch_id:
        raise LaunchRefused(403, "Votre session ne correspond pas à ce lancement.", RELAUNCH, "wrong_launch")
    if data.role not in _TEACHERS:
        raise LaunchRefused(
            403, "Seuls les enseignants peuvent ajouter une activité Pix à un cours.",
            "Si vous êtes enseignant·e, vérifiez votre rôle dans le cours auprès de l'administrateur de la plateforme.",
            "selection_not_teacher",
        )
    raw = await tool(request).store.get(f"launch:{launch_id}")
    if raw is None:
        raise LaunchRefused(410, "Ce lancement de sélection a expiré ou a déjà servi.", _RETRY_SELECTION,
                            "launch_expired")
    launch = json.loads(raw)
    settings = launch.get("claims", {}).get(DL + "deep_linking_settings")
    if not isinstance(settings, dict) or not launch.get("deep_link_return_url"):
        raise LaunchRefused(400, "La plateforme n'a pas envoyé de réglages de sélection de contenu.",
                            _RETRY_SELECTION, "no_dl_settings")
    accept = settings.get("accept_types")
    if isinstance(accept, list) and "ltiResourceLink" not in accept:
        raise LaunchRefused(400, "La plateforme n'accepte pas de lien d'activité LTI dans cette sélection.",
                            _RETRY_SELECTION, "dl_type_not_accepted")
    return data, launch


def _multiple(launch: dict[str, Any]) -> bool:
    settings = launch["claims"][DL + "deep_linking_settings"]
    return settings.get("accept_multiple", True) is not False


async def _course_campaigns(request: Request, data: SessionData) -> list[CampaignRow]:
    """The open campaigns of the launch's course that this teacher may see (`campaigns.access`)."""
    return await run_in_threadpool(campaign_service(request).course_campaigns, data.account_id, data.course_id)


def _picker(request: Request, launch: dict[str, Any], data: SessionData, campaigns: list[CampaignRow], *,
            launch_id: str, lt: str, csrf: str, errors: list[str], status_code: int = 200) -> Response:
    top = DEFAULT_CONFIG.max_reachable_level
    t = translator(data.locale)
    back = {"retour": f"/lti/selection/{launch_id}", **({"lt": lt} if lt else {})}  # creation comes back here
    return render(
        request, "selection/choisir.html", status_code=status_code, course_title=launch.get("context_title"),
        domains=_competences(), launch_id=launch_id, lt=lt, csrf=csrf, multiple=_multiple(launch), max_level=top,
        max_pix=top * PIX_PER_LEVEL, profile_pix=PROFILE_PIX, errors=errors, t=t,
        campaigns=campaigns, assessment=CampaignType.ASSESSMENT.value, has_course=data.course_id is not None,
        create_url="/campagnes/nouveau?" + urlencode(back),
    )


async def picker_csrf(store: Any, launch_id: str, ttl_seconds: int) -> str:
    """The launch's one CSRF token: created by its first display, the same for every later one (a second tab, a
    reload, the way back from creating a campaign), so that opening the picker again never breaks a page already
    open. It is deleted when the selection is sent."""
    key = f"dl-csrf:{launch_id}"
    fresh = secrets.token_urlsafe(24)
    if await store.set_nx(key, fresh, ttl_seconds):
        return fresh
    known = await store.get(key)
    if known is None:  # expired in between: this display starts a new one
        await store.set(key, fresh, ttl_seconds)
        return fresh
    return str(known)


@router.get("/lti/selection/{launch_id}")
async def selection_page(request: Request, launch_id: str) -> Response:
    token = request.query_params.get("lt")
    data, launch = await _launch(request, launch_id, token)
    state = tool(request)
    csrf = await picker_csrf(state.store, launch_id, state.settings.launch_ttl_seconds)
    campaigns = await _course_campaigns(request, data)
    return _picker(request, launch, data, campaigns, launch_id=launch_id, lt=token or "", csrf=csrf, errors=[])


def _choices(form: Any, campaigns: list[CampaignRow], locale: str = "fr") -> tuple[list[Choice], list[str]]:
    t = translator(locale)
    names = {code: name for _, _, comps in _competences() for code, name in comps}
    by_code = {c.code: c for c in campaigns}
    choices, errors = [], []
    for value in form.getlist("item"):
        if value == QUICK_TEST:
            continue  # not a graded target: added apart, see selection_submit
        if value == "profile":
            choices.append(Choice(TargetKind.PROFILE, PROFILE_CODE, Scale.PERCENT, "profil complet"))
            continue
        kind, _, code = str(value).partition(":")
        if kind == "campaign":
            campaign = by_code.get(code)
            if campaign is None:
                errors.append(t("selection.error.campaign", code=code[:16]))
                continue
            choices.append(Choice(TargetKind.CAMPAIGN, campaign.code, Scale.MASTERY, campaign.name,
                                  graded=campaign.type == CampaignType.ASSESSMENT))
            continue
        if kind != "competence" or code not in names:
            errors.append(t("selection.error.unknown", value=str(value)[:40]))
            continue
        raw_scale = form.get(f"scale-{code}", Scale.LEVEL.value)
        if raw_scale not in (Scale.LEVEL.value, Scale.PIX.value):
            errors.append(t("selection.error.scale", code=code))
            continue
        choices.append(Choice(TargetKind.COMPETENCE, code, Scale(raw_scale), names[code]))
    return choices, errors


@router.post("/lti/selection/{launch_id}")
async def selection_submit(request: Request, launch_id: str) -> Response:
    try:
        form = await request.form(max_files=0, max_fields=128)
    except Exception as exc:
        raise LaunchRefused(400, "Le formulaire reçu est illisible.", _RETRY_SELECTION, "bad_form") from exc
    token = form.get("lt") if isinstance(form.get("lt"), str) else None
    data, launch = await _launch(request, launch_id, token or None)
    state = tool(request)
    expected = await state.store.get(f"dl-csrf:{launch_id}")
    if expected is None or not params.same_secret(expected, form.get("csrf")):
        raise LaunchRefused(403, "Le formulaire n'a pas été envoyé depuis la page de sélection (jeton de sécurité).",
                            _RETRY_SELECTION, "bad_csrf")
    campaigns = await _course_campaigns(request, data)
    t = translator(data.locale)
    choices, errors = _choices(form, campaigns, data.locale)
    quick = QUICK_TEST in form.getlist("item")
    if not choices and not quick and not errors:
        errors.append(t("selection.error.none"))
    if len(choices) + quick > 1 and not _multiple(launch):
        errors.append(t("selection.error.single"))
    if errors:
        return _picker(request, launch, data, campaigns, launch_id=launch_id, lt=token or "", csrf=expected,
                       errors=errors, status_code=400)
    if await state.store.pop(f"launch:{launch_id}") is None:  # single-use, even for two clicks at once
        raise LaunchRefused(410, "Ce lancement de sélection a déjà servi.", _RETRY_SELECTION, "launch_used")
    await state.store.delete(f"dl-csrf:{launch_id}")
    settings = launch["claims"][DL + "deep_linking_settings"]
    items = [content_item(choice, state.settings.launch_url, data.locale) for choice in choices]
    if quick:
        items.append(quick_test_item(state.settings.launch_url, data.locale))
    claims = response_claims(client_id=launch["client_id"], platform_issuer=launch["issuer"],
                             deployment_id=launch["deployment_id"], items=items, settings=settings,
                             locale=data.locale)

    def signing_key() -> tuple[str, str]:
        with state.sessions() as session:
            key = keys.ensure_key(session)
            return key.kid, key.private_pem

    kid, pem = await run_in_threadpool(signing_key)
    signed = jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid})
    allow_form_action(request, launch["deep_link_return_url"])  # checked at launch (launch.return_url)
    return render(request, "selection/retour.html", action=launch["deep_link_return_url"], jwt=signed,
                  titles=[item["title"] for item in items], t=t)
