"""Demo platform routes: home page with an iframe, login initiation, OIDC authorization, JWKS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, JSONResponse, Response

from demo_platform.deep_linking import DeepLinkRefused, add_activities, verify_response
from demo_platform.gradebook import DemoGradebook
from demo_platform.people import ACTIVITIES, COURSE, USERS
from demo_platform.signing import DemoSigner

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
CLIENT_ID = "pix-lti-demo"
DEPLOYMENT_ID = "demo-1"
# The languages the person may choose for the tool's interface: the launch's locale, and its name.
LOCALES = {"fr": ("fr-FR", "Français"), "en": ("en-US", "English")}


def _error(request: Request, message: str, status: int = 400) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "erreur.html", {"message": message}, status_code=status)


def create_demo_app(issuer: str, tool_base_url: str, signer: DemoSigner | None = None) -> FastAPI:
    signer = signer or DemoSigner()
    tool = tool_base_url.rstrip("/")
    launch_url = tool + "/lti/launch"
    app = FastAPI(title="Plateforme de démonstration", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.gradebook = book = DemoGradebook(issuer, tool, CLIENT_ID)  # AGS, NRPS, /carnet
    app.include_router(book.router())

    @app.get("/")
    async def home(request: Request, lang: str = "fr") -> Response:
        return TEMPLATES.TemplateResponse(request, "accueil.html", {
            "users": USERS.values(), "activities": ACTIVITIES.values(), "course": COURSE, "tool": tool,
            "lang": lang if lang in LOCALES else "fr", "locales": LOCALES,
        })

    @app.get("/demo/start")
    async def start(request: Request, user: str = "eleve", activity: str = "c11", message: str = "link",
                    lang: str = "fr") -> Response:
        """Login initiation (third-party initiated login), as Moodle does it: an auto-posted form."""
        if user not in USERS or activity not in ACTIVITIES or message not in ("link", "select") or lang not in LOCALES:
            return _error(request, "Utilisateur, activité, langue ou type de lancement inconnu.")
        params = {
            "iss": issuer, "login_hint": user, "target_link_uri": launch_url, "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
            "lti_message_hint": json.dumps({"activity": activity, "message": message, "lang": lang}),
        }
        return TEMPLATES.TemplateResponse(request, "autopost.html", {"action": tool + "/lti/login", "fields": params})

    @app.api_route("/auth", methods=["GET", "POST"])
    async def authorize(request: Request) -> Response:
        params: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            params.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})
        expected = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
                    "client_id": CLIENT_ID, "redirect_uri": launch_url}
        wrong = [k for k, v in expected.items() if params.get(k) != v]
        if wrong or not params.get("nonce") or not params.get("state"):
            return _error(request, f"Demande d'authentification refusée par la plateforme : {', '.join(wrong)}.")
        user = USERS.get(params.get("login_hint", ""))
        try:
            hint = json.loads(params.get("lti_message_hint", "{}"))
        except ValueError:
            hint = {}
        activity = ACTIVITIES.get(hint.get("activity", ""))
        if user is None or activity is None:
            return _error(request, "Utilisateur ou activité inconnus.")
        locale = LOCALES.get(hint.get("lang", "fr"), LOCALES["fr"])[0]
        claims = _claims(issuer, launch_url, params["nonce"], user, activity, hint.get("message") == "select",
                         locale)
        claims.update(book.service_claims(None if hint.get("message") == "select" else activity))
        fields = {"id_token": signer.id_token(claims), "state": params["state"]}
        return TEMPLATES.TemplateResponse(request, "autopost.html", {"action": launch_url, "fields": fields})

    @app.get("/jwks")
    async def jwks() -> JSONResponse:
        return JSONResponse(signer.jwks)

    @app.post("/deep-linking/retour")
    async def deep_link_return(request: Request) -> Response:
        """As Moodle does: check the tool's signed response, then add one activity per resource link."""
        token = (await request.form()).get("JWT")
        if not isinstance(token, str) or not token:
            return _error(request, "Retour de sélection de contenu sans jeton (JWT).")
        try:
            items = await verify_response(token, tool, issuer, CLIENT_ID, DEPLOYMENT_ID,
                                          getattr(app.state, "tool_transport", None))
        except DeepLinkRefused as exc:
            return _error(request, f"Retour de sélection de contenu refusé : {exc}.")
        added = add_activities(items)
        return TEMPLATES.TemplateResponse(request, "ajout.html", {"added": added})

    return app


def _claims(issuer: str, launch_url: str, nonce: str, user: Any, activity: Any, select: bool,
            locale: str = "fr-FR") -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": issuer, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": user.sub, "nonce": nonce,
        "given_name": user.given_name, "family_name": user.family_name,
        "name": f"{user.given_name} {user.family_name}",
        LTI + "version": "1.3.0", LTI + "deployment_id": DEPLOYMENT_ID, LTI + "roles": list(user.roles),
        LTI + "target_link_uri": launch_url, LTI + "context": COURSE,
        LTI + "tool_platform": {"name": "Plateforme de démonstration", "product_family_code": "pix-lti-demo"},
        LTI + "launch_presentation": {"document_target": "iframe", "locale": locale},
    }
    if select:
        claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
        claims[DL + "deep_linking_settings"] = {
            "deep_link_return_url": issuer + "/deep-linking/retour", "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe"],
        }
    else:
        claims[LTI + "message_type"] = "LtiResourceLinkRequest"
        claims[LTI + "resource_link"] = {"id": activity.resource_link_id, "title": activity.title}
        claims[LTI + "custom"] = dict(activity.custom)
    return claims
