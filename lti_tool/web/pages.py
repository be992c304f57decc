"""Jinja2 rendering of the French pages, and the refusal page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
TEMPLATES.env.auto_reload = False  # the templates ship with the code: no stat() of each file on every render


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


def refusal(request: Request, status: int, reason: str, advice: str, code: str) -> HTMLResponse:
    return render(request, "refus.html", status_code=status, reason=reason, advice=advice, code=code)
