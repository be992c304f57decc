"""An independent LTI Advantage platform written from the 1EdTech specifications (AGS 2.0, NRPS 2.0,
OAuth 2 client credentials with a JWT client assertion). It shares no code with lti_tool: it extends
the independent launch platform of tests/lti with a token endpoint that verifies the tool's signed
assertion against the tool's published JWKS, line items, a gradebook (latest timestamp wins, 409 on a
timestamp not strictly newer as Moodle does, 400 for a user not enrolled), paginated memberships, and
fault injection (down, 500, 429 with Retry-After, slow, 401)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from jose import jwt

from tests.lti.platform import Platform

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
S_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
S_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
S_MEMBERS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
GRANTABLE = {S_LINEITEM, S_SCORE, S_MEMBERS, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
             "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"}


@dataclass
class Fault:
    """Applies to the next `times` requests whose path contains `path` ("" = any)."""

    kind: str  # down | 500 | 429 | slow | 401
    path: str = ""
    times: int = 1
    retry_after: str | None = None
    delay: float = 0.0


@dataclass
class Grade:
    score_given: float | None
    score_maximum: float
    comment: str | None
    timestamp: str
    activity_progress: str
    grading_progress: str


@dataclass
class LineItemRecord:
    id: str
    label: str
    score_maximum: float
    resource_link_id: str | None
    grades: dict[str, Grade] = field(default_factory=dict)


class AgsPlatform(Platform):
    def __init__(self, tool_jwks: Callable[[], dict[str, Any]], issuer: str | None = None, *,
                 token_lifetime: int = 3600, page_size: int = 2, query_suffix: str = "?type_id=1") -> None:
        super().__init__(issuer=issuer)
        self.tool_jwks = tool_jwks
        self.token_lifetime = token_lifetime
        self.page_size = page_size
        self.q = query_suffix
        self.lineitems_url = self.issuer + "/ags/lineitems" + self.q
        self.memberships_url = self.issuer + "/nrps/memberships"
        self.line_items: dict[str, LineItemRecord] = {}
        self.members: list[dict[str, Any]] = []
        self.enrolled: set[str] = set()
        self.tokens: dict[str, tuple[set[str], float]] = {}
        self.seen_jti: set[str] = set()
        self.faults: list[Fault] = []
        self.token_requests = 0
        self.score_posts = 0
        self.log: list[tuple[str, str, int]] = []

    # --- set-up helpers ---------------------------------------------------------------------------------

    def add_line_item(self, label: str = "Pix", score_maximum: float = 100.0,
                      resource_link_id: str | None = "rl-1") -> str:
        number = len(self.line_items) + 1
        url = f"{self.issuer}/ags/lineitems/{number}/lineitem{self.q}"
        self.line_items[url] = LineItemRecord(url, label, score_maximum, resource_link_id)
        return url

    def enrol(self, user_id: str, *, name: str | None = None, roles: list[str] | None = None,
              graded: bool = True) -> None:
        roles = roles or ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
        member = {"user_id": user_id, "roles": roles, "status": "Active"}
        if name:
            member["name"] = name
            member["given_name"], _, member["family_name"] = name.partition(" ")
        self.members.append(member)
        if graded:
            self.enrolled.add(user_id)

    def grade(self, lineitem: str, user_id: str) -> Grade | None:
        return self.line_items[lineitem].grades.get(user_id)

    def claims(self, nonce: str, *, lineitem: str | None = None, offer_ags: bool = True, offer_nrps: bool = True,
               **kwargs: Any) -> dict[str, Any]:
        claims = super().claims(nonce, **kwargs)
        if offer_ags:
            endpoint: dict[str, Any] = {"scope": sorted(GRANTABLE - {S_MEMBERS}), "lineitems": self.lineitems_url}
            if lineitem:
                endpoint["lineitem"] = lineitem
            claims[AGS] = endpoint
        if offer_nrps:
            claims[NRPS] = {"context_memberships_url": self.memberships_url, "service_versions": ["2.0"]}
        return claims

    # --- HTTP -------------------------------------------------------------------------------------------

    def _fault_for(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path in path and fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        fault = self._fault_for(path)
        if fault is not None:
            if fault.kind == "down":
                raise httpx.ConnectError("platform down", request=request)
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "500":
                return self._logged(request, httpx.Response(500, text="Internal Server Error"))
            elif fault.kind == "429":
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return self._logged(request, httpx.Response(429, headers=headers, text="Too Many Requests"))
            elif fault.kind == "401":
                return self._logged(request, httpx.Response(401, json={"error": "invalid_token"}))
        return self._logged(request, self.handle(request))

    def _logged(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        self.log.append((request.method, request.url.path, response.status_code))
        return response

    def handle(self, request: httpx.Request) -> httpx.Response:
        url, path = str(request.url), request.url.path
        if url == self.keyset_url:
            return super().handle(request)
        if path == urlsplit(self.auth_token_url).path and request.method == "POST":
            return self._token(request)
        if path == "/ags/lineitems":
            return self._lineitems(request)
        if path.startswith("/ags/lineitems/") and path.endswith("/lineitem/scores") and request.method == "POST":
            return self._score(request, path[: -len("/scores")])
        if path.startswith("/nrps/memberships") and request.method == "GET":
            return self._memberships(request)
        return httpx.Response(404)

    def _token(self, request: httpx.Request) -> httpx.Response:
        self.token_requests += 1
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != (
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"):
            return httpx.Response(400, json={"error": "unsupported_grant_type"})
        assertion = form.get("client_assertion", "")
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            key = next(k for k in self.tool_jwks()["keys"] if k["kid"] == kid)
            claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=self.auth_token_url,
                                issuer=self.client_id)
        except Exception:
            return httpx.Response(401, json={"error": "invalid_client"})
        if claims.get("sub") != self.client_id or not claims.get("jti") or claims["jti"] in self.seen_jti:
            return httpx.Response(401, json={"error": "invalid_client"})
        self.seen_jti.add(claims["jti"])
        scopes = set(form.get("scope", "").split())
        if not scopes or not scopes <= GRANTABLE:
            return httpx.Response(400, json={"error": "invalid_scope"})
        token = secrets.token_urlsafe(16)
        self.tokens[token] = (scopes, time.time() + self.token_lifetime)
        return httpx.Response(200, json={"access_token": token, "token_type": "Bearer",
                                         "expires_in": self.token_lifetime, "scope": " ".join(sorted(scopes))})

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def _authorized(self, request: httpx.Request, scope: str) -> httpx.Response | None:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        grant = self.tokens.get(token)
        if grant is None or grant[1] < time.time():
            return httpx.Response(401, json={"error": "invalid_token"})
        if scope not in grant[0]:
            return httpx.Response(403, json={"error": "insufficient_scope"})
        return None

    def _lineitems(self, request: httpx.Request) -> httpx.Response:
        if (refused := self._authorized(request, S_LINEITEM)) is not None:
            return refused
        if request.method == "GET":
            wanted = request.url.params.get("resource_link_id")
            items = [{"id": li.id, "label": li.label, "scoreMaximum": li.score_maximum,
                      "resourceLinkId": li.resource_link_id}
                     for li in self.line_items.values() if wanted is None or li.resource_link_id == wanted]
            return httpx.Response(200, json=items,
                                  headers={"content-type": "application/vnd.ims.lis.v2.lineitemcontainer+json"})
        body = json.loads(request.content)
        if not isinstance(body.get("scoreMaximum"), int | float) or body["scoreMaximum"] <= 0 or not body.get("label"):
            return httpx.Response(400, json={"error": "scoreMaximum and label required"})
        url = self.add_line_item(body["label"], float(body["scoreMaximum"]), body.get("resourceLinkId"))
        return httpx.Response(201, json={**body, "id": url})

    def _score(self, request: httpx.Request, lineitem_path: str) -> httpx.Response:
        if (refused := self._authorized(request, S_SCORE)) is not None:
            return refused
        self.score_posts += 1
        if request.headers.get("content-type") != "application/vnd.ims.lis.v1.score+json":
            return httpx.Response(415)
        item = next((li for li in self.line_items.values() if urlsplit(li.id).path == lineitem_path), None)
        if item is None:
            return httpx.Response(404, json={"error": "no such line item"})
        body = json.loads(request.content)
        user = body.get("userId")
        if user not in self.enrolled:
            return httpx.Response(400, text="User not enrolled with a graded role")
        try:
            stamp = datetime.fromisoformat(body["timestamp"])
        except (KeyError, TypeError, ValueError):
            return httpx.Response(400, text="timestamp required (ISO 8601)")
        if body.get("activityProgress") is None or body.get("gradingProgress") is None:
            return httpx.Response(400, text="activityProgress and gradingProgress required")
        previous = item.grades.get(user)
        if previous is not None and datetime.fromisoformat(previous.timestamp) >= stamp:
            return httpx.Response(409, text="timestamp not newer than the last score")
        given = body.get("scoreGiven") if body["gradingProgress"] == "FullyGraded" else None
        rescaled = None if given is None else given / body["scoreMaximum"] * item.score_maximum
        item.grades[user] = Grade(rescaled, item.score_maximum, body.get("comment"), body["timestamp"],
                                  body["activityProgress"], body["gradingProgress"])
        return httpx.Response(200)

    def _memberships(self, request: httpx.Request) -> httpx.Response:
        if (refused := self._authorized(request, S_MEMBERS)) is not None:
            return refused
        page = int(request.url.params.get("page", "1"))
        start = (page - 1) * self.page_size
        chunk = self.members[start:start + self.page_size]
        headers = {"content-type": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"}
        if start + self.page_size < len(self.members):
            headers["link"] = f'<{self.memberships_url}?page={page + 1}>; rel="next"'
        body = {"id": self.memberships_url, "context": {"id": "course-42"}, "members": chunk}
        return httpx.Response(200, json=body, headers=headers)
