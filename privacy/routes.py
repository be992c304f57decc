"""`/confidentialite`: the privacy notice, open to anyone (no session needed, so it works from every page, in
the LMS iframe or not). French by default; English with `?lang=en` or when the pupil's launch asked for it."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.responses import Response

from privacy.notice import NoticeFileError, notice_texts, periods
from web.auth import SESSION_COOKIE, link
from web.i18n import normalise_locale, translator
from web.pages import refusal, render

log = logging.getLogger("privacy")
router = APIRouter()
PATH = "/confidentialite"


def _locale(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked:
        return normalise_locale(asked)
    state = request.app.state.tool
    data = state.codec.loads(request.query_params.get("lt"), state.settings.launch_token_max_age_seconds)
    if data is None:
        data = state.codec.loads(request.cookies.get(SESSION_COOKIE), state.settings.session_max_age_seconds)
    return normalise_locale(getattr(data, "locale", None))


@router.get(PATH)
async def privacy_notice(request: Request) -> Response:
    locale = _locale(request)
    try:
        texts = notice_texts(locale)
    except NoticeFileError as exc:
        log.error("%s", exc)
        return refusal(request, 500, "La notice d'information n'est pas disponible pour le moment.",
                       "L'administrateur du service doit corriger son fichier de notice.", "privacy_notice_broken")

    def url(path: str, **params: str) -> str:
        return link(request, path, **params)

    other = "fr" if locale == "en" else "en"
    return render(request, "privacy/notice.html", t=translator(locale), url=url, locale=locale, texts=texts,
                  periods=periods(), other_url=url(PATH, lang=other), other=other)
