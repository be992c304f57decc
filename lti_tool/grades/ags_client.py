"""The calls the tool makes to a platform's LTI Advantage services: AGS line items and scores, NRPS
memberships (following `Link: <…>; rel="next"`). Every call has a total deadline."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from engine.text import clean_name, storable_identifier
from lti_tool.grades.errors import DeliveryError, check_response, send

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


def scores_url(lineitem: str) -> str:
    """`…/lineitem?type_id=1` → `…/lineitem/scores?type_id=1` (the query string stays after the path)."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise DeliveryError(f"{what} : réponse illisible", retryable=True, status=response.status_code) from exc


class AgsClient:
    def __init__(self, http: httpx.AsyncClient, timeout_seconds: float) -> None:
        self._http = http
        self._timeout = timeout_seconds

    def _headers(self, token: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", **extra}

    async def post_score(self, lineitem: str, score: dict[str, Any], token: str) -> bool:
        """True when the platform took the score; False when it already holds this one or a newer one (409)."""
        response = await send(self._http, "POST", scores_url(lineitem), timeout=self._timeout,
                              content=json.dumps(score).encode(),
                              headers=self._headers(token, **{"Content-Type": SCORE_TYPE}))
        if response.status_code == 409:
            return False
        check_response(response, "envoi de la note")
        return True

    async def find_or_create_line_item(self, lineitems: str, *, resource_link_id: str, label: str,
                                       score_maximum: float, token: str) -> str:
        response = await send(self._http, "GET", with_query(lineitems, resource_link_id=resource_link_id),
                              timeout=self._timeout, headers=self._headers(token, Accept=LINEITEMS_TYPE))
        check_response(response, "lecture des colonnes de notes")
        items = _json(response, "colonnes de notes")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("resourceLinkId") == resource_link_id and item.get("id"):
                return str(item["id"])
        body = {"scoreMaximum": score_maximum, "label": label, "resourceLinkId": resource_link_id,
                "resourceId": f"pix:{resource_link_id}", "tag": "pix"}
        response = await send(self._http, "POST", lineitems, timeout=self._timeout, content=json.dumps(body).encode(),
                              headers=self._headers(token, **{"Content-Type": LINEITEM_TYPE, "Accept": LINEITEM_TYPE}))
        check_response(response, "création de la colonne de notes")
        created = _json(response, "colonne de notes créée")
        if not isinstance(created, dict) or not isinstance(created.get("id"), str):
            raise DeliveryError("la plateforme n'a pas donné l'adresse de la colonne créée", retryable=True)
        return created["id"]


@dataclass(frozen=True)
class Member:
    user_id: str
    roles: tuple[str, ...]
    status: str
    name: str | None
    given_name: str | None
    family_name: str | None


def _member(raw: Any) -> Member | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("user_id"), str):
        return None
    if not storable_identifier(raw["user_id"], 255):  # a user id that could never match a launch's sub
        return None

    def text(name: str) -> str | None:
        return clean_name(raw.get(name), 255)

    roles = tuple(r for r in raw.get("roles", []) if isinstance(r, str)) if isinstance(raw.get("roles"), list) else ()
    status = raw.get("status") if raw.get("status") in ("Active", "Inactive", "Deleted") else "Active"
    return Member(raw["user_id"], roles, status, text("name"), text("given_name"), text("family_name"))


async def fetch_memberships(http: httpx.AsyncClient, url: str, token: str, *, timeout: float, max_pages: int,
                            check_url: Callable[[str], str] | None = None) -> list[Member]:
    """Every page of the roster; `check_url` vets each `next` page before the token is sent to it."""
    members: dict[str, Member] = {}
    next_url: str | None = url
    for _ in range(max_pages):
        if next_url is None:
            return list(members.values())
        if check_url is not None:
            next_url = check_url(next_url)
        response = await send(http, "GET", next_url, timeout=timeout,
                              headers={"Authorization": f"Bearer {token}", "Accept": MEMBERSHIPS_TYPE})
        check_response(response, "liste des participants")
        body = _json(response, "liste des participants")
        for raw in body.get("members", []) if isinstance(body, dict) else []:
            member = _member(raw)
            if member is not None:
                members[member.user_id] = member
        next_url = response.links.get("next", {}).get("url")
    raise DeliveryError(f"liste des participants : plus de {max_pages} pages", retryable=False)
