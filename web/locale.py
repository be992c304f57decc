"""The language of a page that has no launch session yet (login, refusals, registration): the launch's
`launch_presentation.locale` when the route knows it (`request.state.locale`), else the session's, else the
browser's first `Accept-Language`. French unless English."""

from __future__ import annotations

import base64
import json

from starlette.requests import Request

from web.i18n import normalise_locale

_PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


def accept_language(header: str | None) -> str:
    """The first language the browser asks for ("en-GB,en;q=0.9,fr;q=0.8" -> "en"); French by default."""
    if not header:
        return "fr"
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:16]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag))
    return normalise_locale(min(ranked)[2]) if ranked else "fr"


LANGUAGE_COOKIE = "pix_lti_lang"  # the language switch of pages without a launch (administration, errors)
LANGUAGE_COOKIE_SECONDS = 365 * 86400


def switched_language(request: Request) -> str | None:
    """The language asked by the switch (`?lang=en`, `?lang=fr`), if any."""
    asked = request.query_params.get("lang")
    return asked if asked in ("fr", "en") else None


def request_locale(request: Request) -> str:
    """The switch (`?lang=`), the route's choice, the session's language, the remembered switch (cookie), then the
    browser's `Accept-Language`; French unless English."""
    if (asked := switched_language(request)) is not None:
        return asked
    chosen = getattr(request.state, "locale", None)
    if chosen in ("fr", "en"):
        return str(chosen)
    tool = getattr(request.app.state, "tool", None)
    if tool is not None:
        from web.auth import SESSION_COOKIE

        token = request.query_params.get("lt")
        data = tool.codec.loads(token, tool.settings.launch_token_max_age_seconds) if token else None
        if data is None and request.cookies.get(SESSION_COOKIE):
            data = tool.codec.loads(request.cookies.get(SESSION_COOKIE), tool.settings.session_max_age_seconds)
        if data is not None:
            return data.locale
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in ("fr", "en"):
        return str(remembered)
    return accept_language(request.headers.get("accept-language"))


def token_locale(id_token: object) -> str | None:
    """`launch_presentation.locale` read from an id_token WITHOUT checking it: only to choose the language of
    the page that refuses it. None when absent or unreadable."""
    if not isinstance(id_token, str) or id_token.count(".") != 2 or len(id_token) > 65536:
        return None
    payload = id_token.split(".")[1]
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, TypeError):
        return None
    presentation = body.get(_PRESENTATION) if isinstance(body, dict) else None
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    return normalise_locale(locale) if isinstance(locale, str) and locale else None
