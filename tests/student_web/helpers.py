"""Driving the student pages like a browser: follow redirects, read forms, post them back."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from engine.referential import Challenge
from tests.lti.conftest import Tool
from tests.lti.platform import LTI

FORM = re.compile(r'<form method="post" action="([^"]+)"', re.S)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CHALLENGE = re.compile(r'data-challenge="([^"]+)"')


def launch(tool: Tool, *, sub: str = "eleve-1", custom: dict[str, str] | None = None, link: str = "rl-1",
           locale: str | None = None, roles: list[str] | None = None) -> httpx.Response:
    def mutate(claims: dict[str, Any]) -> None:
        if custom is not None:
            claims[LTI + "custom"] = custom
        claims[LTI + "resource_link"] = {"id": link, "title": "Mener une recherche", "description": "Test"}
        if locale is not None:
            claims[LTI + "launch_presentation"] = {"locale": locale, "document_target": "iframe"}

    response = tool.launch(mutate, sub=sub, roles=roles)
    assert response.status_code == 303, response.text
    return response


def get(tool: Tool, url: str) -> httpx.Response:
    return tool.client.get(url, follow_redirects=True)


def forms(page: httpx.Response) -> list[str]:
    return [html.unescape(a) for a in FORM.findall(page.text)]


def csrf(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, "no CSRF token on the page"
    return found.group(1)


def post(tool: Tool, page: httpx.Response, action: str, data: dict[str, Any] | None = None,
         follow: bool = False, **headers: str) -> httpx.Response:
    fields = {"csrf": csrf(page), **(data or {})}
    return tool.client.post(action, data=fields, follow_redirects=follow, headers=headers or None)


def current_challenge(page: httpx.Response) -> str:
    found = CHALLENGE.search(page.text)
    assert found, page.text[:2000]
    return found.group(1)


def answer_fields(challenge: Challenge, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {f"r_{k}": v for k, v in value.items()}
    if isinstance(value, list):
        return {"answer": [str(v) for v in value]}
    if challenge.inputs and challenge.type.startswith("QROC"):
        return {f"r_{challenge.inputs[0].name}": str(value)}
    return {"answer": str(value)}


def lt_of(url: str) -> str | None:
    return parse_qs(urlparse(url).query).get("lt", [None])[0]
