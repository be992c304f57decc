""""Essayez sans inscription": the public test without an account (`/essai`), also the landing of an LTI
activity whose custom parameter is `quicktest`.

Nothing personal is stored and nothing goes to the database: an attempt is a random id whose state (the
seed and the answers' right/wrong, no answer text) lives in the short-lived store for
`PIX_LTI_QUICK_TEST_TTL_SECONDS`. It is bounded so that it cannot be used to read the bank: 8 questions
per attempt, one at a time (the state is taken with GETDEL, so a question is answered once), no right
answer ever shown, and `PIX_LTI_QUICK_TEST_STARTS_PER_HOUR` attempts per client address and hour (the
address kept only as an HMAC under a key that lives one day in the store).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from content_bank.loader import default_referential
from core import metrics
from engine import quick_test
from engine.answers import is_correct
from engine.proposal_order import display_context, displayed_choices
from engine.referential import ChallengeType, Referential
from web.i18n import normalise_locale, translator
from web.markdown import render_inline, render_markdown
from web.pages import render
from web.state import tool
from web.student_routes import MalformedAnswer, parse_answer

router = APIRouter()
_ATTEMPT = "quick-test:attempt:"
_STARTS = "quick-test:starts:"
_ADDRESS_KEY = "quick-test:address-key"
_HOUR = 3600
_DAY = 24 * _HOUR


def _locale(request: Request, form: FormData | None = None) -> str:
    value = form.get("lang") if form is not None else request.query_params.get("lang")
    return normalise_locale(value)


def _page(request: Request, locale: str, name: str, status_code: int = 200, **context: Any) -> Response:
    t = translator(locale)
    return render(request, name, status_code=status_code, t=t, locale=locale, url=lambda path, **_: path,
                  md=render_markdown, md_inline=render_inline, types=ChallengeType,
                  ttl_minutes=tool(request).settings.quick_test_ttl_seconds // 60, **context)


def _refusal(request: Request, locale: str, status: int, code: str, back: str | None = None,
             **values: object) -> Response:
    t = translator(locale)
    return _page(request, locale, "essai/refus.html", status_code=status, code=code, back=back,
                 reason=t(f"quick.refusal.{code}", **values), advice=t(f"quick.refusal.{code}.advice", **values))


async def _address_hash(request: Request) -> str:
    store = tool(request).store
    key = await store.get(_ADDRESS_KEY)
    if key is None:
        await store.set_nx(_ADDRESS_KEY, secrets.token_hex(32), _DAY)
        key = await store.get(_ADDRESS_KEY) or ""
    address = request.client.host if request.client else "-"
    return hmac.new(key.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


async def _may_start(request: Request, now: float) -> int:
    """0 when this address may start an attempt now (and counts it), else the minutes to wait."""
    state = tool(request)
    limit = state.settings.quick_test_starts_per_hour
    key = _STARTS + await _address_hash(request)
    starts = await state.store.recent(key, limit)
    if limit <= 0 or (len(starts) >= limit and float(starts[limit - 1]) > now - _HOUR):
        oldest = float(starts[limit - 1]) if limit > 0 and len(starts) >= limit else now
        return max(1, int((oldest + _HOUR - now) // 60) + 1)
    await state.store.push_capped(key, repr(now), limit, _HOUR)
    return 0


def _referential() -> Referential:
    return default_referential()


async def _load(request: Request, attempt_id: str, *, take: bool = False) -> dict[str, Any] | None:
    if not attempt_id.isascii() or len(attempt_id) > 64:
        return None
    store = tool(request).store
    raw = await (store.pop(_ATTEMPT + attempt_id) if take else store.get(_ATTEMPT + attempt_id))
    return json.loads(raw) if raw else None


async def _save(request: Request, attempt_id: str, attempt: dict[str, Any]) -> None:
    state = tool(request)
    await state.store.set(_ATTEMPT + attempt_id, json.dumps(attempt), state.settings.quick_test_ttl_seconds)


def _asked(attempt: dict[str, Any]) -> list[quick_test.Asked]:
    return [quick_test.Asked(challenge_id, correct) for challenge_id, correct in attempt["asked"]]


def _current(referential: Referential, attempt: dict[str, Any]) -> Any:
    return quick_test.next_challenge(referential, attempt["domains"], _asked(attempt), attempt["seed"])


@router.get("/essai")
async def intro(request: Request) -> Response:
    return _page(request, _locale(request), "essai/accueil.html")


@router.post("/essai")
async def start(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=8)
    locale = _locale(request, form)
    wait = await _may_start(request, time.time())
    if wait:
        return _refusal(request, locale, 429, "too_many", minutes=wait)
    seed = secrets.randbits(32)
    attempt_id = secrets.token_urlsafe(18)
    attempt = {"seed": seed, "domains": list(quick_test.plan(_referential(), seed)), "asked": [], "lang": locale}
    await _save(request, attempt_id, attempt)
    return RedirectResponse(f"/essai/{attempt_id}", status_code=303)


@router.get("/essai/{attempt_id}")
async def question(request: Request, attempt_id: str, error: str = "") -> Response:
    attempt = await _load(request, attempt_id)
    if attempt is None:
        return _refusal(request, _locale(request), 404, "gone")
    referential = _referential()
    challenge = _current(referential, attempt)
    if challenge is None:
        return RedirectResponse(f"/essai/{attempt_id}/resultat", status_code=303)
    competence = referential.competences[referential.competence_of(challenge.skill_name)]
    domain = next(d for d in referential.domains if d.code == competence.domain_code)
    t = translator(attempt["lang"])
    return _page(request, attempt["lang"], "essai/question.html", attempt_id=attempt_id, challenge=challenge,
                 choices=displayed_choices(challenge, display_context("quick-test", attempt_id)),
                 domain=domain, number=len(attempt["asked"]) + 1, total=len(attempt["domains"]),
                 error=t("quick.empty") if error == "vide" else None)


@router.post("/essai/{attempt_id}")
async def answer(request: Request, attempt_id: str) -> Response:
    form = await request.form(max_files=0, max_fields=32)
    attempt = await _load(request, attempt_id, take=True)  # GETDEL: one answer per question, even at once
    if attempt is None:
        return _refusal(request, _locale(request, form), 404, "gone")
    locale = attempt["lang"]
    referential = _referential()
    challenge = _current(referential, attempt)
    if challenge is None or form.get("step") != str(len(attempt["asked"])) or form.get("challenge_id") != challenge.id:
        await _save(request, attempt_id, attempt)
        if challenge is None:
            return RedirectResponse(f"/essai/{attempt_id}/resultat", status_code=303)
        return _refusal(request, locale, 409, "step", back=f"/essai/{attempt_id}")
    correct = False
    if form.get("action") != "skip":
        try:
            value = parse_answer(challenge, form)
        except MalformedAnswer:
            await _save(request, attempt_id, attempt)
            return _refusal(request, locale, 400, "bad_answer", back=f"/essai/{attempt_id}")
        if value is None:
            await _save(request, attempt_id, attempt)
            return RedirectResponse(f"/essai/{attempt_id}?error=vide", status_code=303)
        correct = is_correct(challenge, value)
    attempt["asked"].append([challenge.id, correct])
    metrics.ANSWERS.labels("quicktest", "aband" if form.get("action") == "skip" else ("ok" if correct else "ko")).inc()
    await _save(request, attempt_id, attempt)
    done = len(attempt["asked"]) >= len(attempt["domains"]) or _current(referential, attempt) is None
    return RedirectResponse(f"/essai/{attempt_id}/resultat" if done else f"/essai/{attempt_id}", status_code=303)


@router.get("/essai/{attempt_id}/resultat")
async def result(request: Request, attempt_id: str) -> Response:
    attempt = await _load(request, attempt_id)
    if attempt is None:
        return _refusal(request, _locale(request), 404, "gone")
    referential = _referential()
    if _current(referential, attempt) is not None:
        return RedirectResponse(f"/essai/{attempt_id}", status_code=303)
    names = {d.code: d.name for d in referential.domains}
    estimates = [dict(asdict(e), name=names[e.domain_code]) for e in quick_test.estimate(referential, _asked(attempt))]
    return _page(request, attempt["lang"], "essai/resultat.html", estimates=estimates, answered=len(attempt["asked"]))
