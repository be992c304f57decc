"""Jinja2 rendering of the French pages, and the refusal page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web.i18n import ENGLISH_REFUSALS, plural_category, translator
from web.locale import LANGUAGE_COOKIE, LANGUAGE_COOKIE_SECONDS, request_locale, switched_language

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.auto_reload = False  # the templates ship with the code: no stat() of each file on every render


def french_plural(n: object, one: str, other: str) -> str:
    """`{{ n }} {{ plural(n, "jour", "jours") }}` in the French-only pages (administration, GAR): 0 and 1 take
    the singular. Translated pages use the catalogue's plural forms (`t(key, n=)`)."""
    return one if plural_category("fr", n) == "one" else other


TEMPLATES.env.globals["plural"] = french_plural


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page; without a `t` of its own (administration, GAR and certification staff pages) it gets the request's
    language (`web.locale.request_locale`), and a language chosen with the switch (`?lang=en`) is remembered."""
    if "t" not in context:
        context["t"] = translator(request_locale(request))
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)
    if (asked := switched_language(request)) is not None and request.cookies.get(LANGUAGE_COOKIE) != asked:
        response.set_cookie(LANGUAGE_COOKIE, asked, max_age=LANGUAGE_COOKIE_SECONDS, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
    return response


def refusal(request: Request, status: int, reason: str, advice: str, code: str, **extra: Any) -> HTMLResponse:
    """The refusal page in the request's language (`web.locale`): in English, the reason and advice known for
    this code replace the French ones (a reason without an English text stays as written)."""
    locale = request_locale(request)
    t = translator(locale)
    if locale == "en":
        reason = ENGLISH_REFUSALS.get(f"refusal.{code}", reason)
        advice = ENGLISH_REFUSALS.get(f"refusal.{code}.advice", advice)
    return render(request, "refus.html", status_code=status, reason=reason, advice=advice, code=code, t=t,
                  **extra)
