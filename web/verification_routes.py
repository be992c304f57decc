"""The public verification page (`/verification`, issue 20): anyone (an employer, Parcoursup) enters a code, or
opens the attestation's QR code, and sees the holder's name, the date, the score and the levels — nothing more.
No session, no cookie; French by default, English with `?lang=en`. Rate-limited per client address
(`web.verification_limit`): 429 with a readable page past the limit."""

from __future__ import annotations

import time
from datetime import date

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from certificates.verification import Outcome, Verification, verify
from certificates.views import french_date
from content_bank.loader import default_referential
from web.i18n import normalise_locale, translator
from web.pages import render
from web.state import tool
from web.verification_limit import minutes_to_wait

router = APIRouter()
MAX_CODE_CHARS = 64
_STATUS = {Outcome.VALID: 200, Outcome.EXPIRED: 200, Outcome.UNKNOWN: 404, Outcome.MALFORMED: 400}


def today() -> date:
    return date.today()


def _page(request: Request, locale: str, status_code: int = 200, **context: object) -> Response:
    response = render(request, "verification/verification.html", status_code=status_code, t=translator(locale),
                      locale=locale, french_date=french_date, **context)
    response.headers["cache-control"] = "no-store"
    response.headers["x-robots-tag"] = "noindex"
    return response


@router.get("/verification")
async def verification(request: Request, code: str = "", lang: str = "") -> Response:
    locale = normalise_locale(lang)
    typed = code.strip()[:MAX_CODE_CHARS]
    if not typed:
        return _page(request, locale, typed="")
    state = tool(request)
    address = request.client.host if request.client else "-"
    wait = await minutes_to_wait(state.store, address, time.time())
    if wait:
        response = _page(request, locale, status_code=429, typed=typed, limited=wait)
        response.headers["retry-after"] = str(wait * 60)
        return response

    def look_up() -> Verification:
        with state.sessions() as session:
            return verify(session, typed, today(), default_referential())

    found = await run_in_threadpool(look_up)
    return _page(request, locale, status_code=_STATUS[found.outcome], typed=typed, found=found,
                 outcome=found.outcome.value)
