"""The demo platform's LTI Advantage services, so that `pix-lti demo` shows grades arriving: an OAuth 2
token endpoint (the tool's signed assertion checked against its JWKS), one grade column per demo
activity (AGS line items and scores: the latest timestamp wins), the course roster (NRPS) and a
gradebook page for the teacher."""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from jose import jwt
from starlette.responses import JSONResponse, Response

from demo_platform.people import ACTIVITIES, COURSE, MEMBERSHIP, USERS, DemoActivity

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score",
          "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"]
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


def _maximum(activity: DemoActivity) -> float:
    if activity.score_maximum:
        return activity.score_maximum
    return 100.0 if "profile" in activity.custom else 6.0  # the profile is graded in % (gradepointmax)


class DemoGradebook:
    def __init__(self, issuer: str, tool_base_url: str, client_id: str) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.jwks_url = tool_base_url.rstrip("/") + "/lti/jwks"
        self.http = httpx.AsyncClient(timeout=5.0)
        self.tokens: dict[str, float] = {}
        self.grades: dict[tuple[str, str], dict[str, Any]] = {}

    def lineitem_url(self, activity: DemoActivity) -> str:
        return f"{self.issuer}/ags/lineitems/{activity.key}/lineitem"

    def service_claims(self, activity: DemoActivity | None) -> dict[str, Any]:
        claims: dict[str, Any] = {NRPS: {"context_memberships_url": self.issuer + "/nrps/memberships",
                                         "service_versions": ["2.0"]}}
        endpoint: dict[str, Any] = {"scope": SCOPES[:2], "lineitems": self.issuer + "/ags/lineitems"}
        if activity is not None and activity.graded:
            endpoint["lineitem"] = self.lineitem_url(activity)
        claims[AGS] = endpoint
        return claims

    async def _assertion_ok(self, assertion: str) -> bool:
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            keys = (await self.http.get(self.jwks_url)).json()["keys"]
            key = next(k for k in keys if k.get("kid") == kid)
            claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=self.issuer + "/token",
                                issuer=self.client_id)
        except Exception:
            return False
        return claims.get("sub") == self.client_id

    def _bearer(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        expires = self.tokens.get(header[7:]) if header.startswith("Bearer ") else None
        return expires is not None and expires > time.time()

    def router(self) -> APIRouter:
        router = APIRouter()

        @router.post("/token")
        async def token(request: Request) -> Response:
            form = await request.form()
            if form.get("grant_type") != "client_credentials" or not await self._assertion_ok(
                    str(form.get("client_assertion", ""))):
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            value = secrets.token_urlsafe(16)
            self.tokens[value] = time.time() + 3600
            return JSONResponse({"access_token": value, "token_type": "Bearer", "expires_in": 3600,
                                 "scope": str(form.get("scope", ""))})

        @router.get("/ags/lineitems")
        async def lineitems(request: Request) -> Response:
            if not self._bearer(request):
                return JSONResponse({"error": "invalid_token"}, status_code=401)
            wanted = request.query_params.get("resource_link_id")
            items = [{"id": self.lineitem_url(a), "label": a.title, "scoreMaximum": _maximum(a),
                      "resourceLinkId": a.resource_link_id}
                     for a in ACTIVITIES.values() if a.graded and wanted in (None, a.resource_link_id)]
            return JSONResponse(items, media_type="application/vnd.ims.lis.v2.lineitemcontainer+json")

        @router.post("/ags/lineitems/{key}/lineitem/scores")
        async def score(request: Request, key: str) -> Response:
            if not self._bearer(request):
                return JSONResponse({"error": "invalid_token"}, status_code=401)
            activity = ACTIVITIES.get(key)
            body = await request.json()
            learners = {u.sub for u in USERS.values() if MEMBERSHIP + "Learner" in u.roles}
            if activity is None:
                return JSONResponse({"error": "unknown line item"}, status_code=404)
            if body.get("userId") not in learners:
                return JSONResponse({"error": "user not enrolled as a learner"}, status_code=400)
            previous = self.grades.get((key, body["userId"]))
            stamp = datetime.fromisoformat(body["timestamp"])
            if previous is not None and datetime.fromisoformat(previous["timestamp"]) >= stamp:
                return JSONResponse({"error": "timestamp not newer"}, status_code=409)
            self.grades[(key, body["userId"])] = body
            return Response(status_code=200)

        @router.get("/nrps/memberships")
        async def memberships(request: Request) -> Response:
            if not self._bearer(request):
                return JSONResponse({"error": "invalid_token"}, status_code=401)
            members = [{"user_id": u.sub, "name": f"{u.given_name} {u.family_name}", "given_name": u.given_name,
                        "family_name": u.family_name, "roles": list(u.roles), "status": "Active"}
                       for u in USERS.values()]
            return JSONResponse({"id": self.issuer + "/nrps/memberships", "context": {"id": COURSE["id"]},
                                 "members": members},
                                media_type="application/vnd.ims.lti-nrps.v2.membershipcontainer+json")

        @router.get("/carnet")
        async def gradebook(request: Request) -> Response:
            rows = []
            for user in USERS.values():
                if MEMBERSHIP + "Learner" not in user.roles:
                    continue
                cells = []
                for activity in ACTIVITIES.values():
                    if not activity.graded:
                        continue
                    grade = self.grades.get((activity.key, user.sub))
                    if grade is None:
                        cells.append(("—", ""))
                    else:
                        value = grade["scoreGiven"] / grade["scoreMaximum"] * _maximum(activity)
                        cells.append((f"{value:g} / {_maximum(activity):g}", grade.get("comment") or ""))
                rows.append((f"{user.given_name} {user.family_name}", cells))
            return TEMPLATES.TemplateResponse(request, "carnet.html", {
                "activities": [a for a in ACTIVITIES.values() if a.graded], "rows": rows, "course": COURSE})

        return router
