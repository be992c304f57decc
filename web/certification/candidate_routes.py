"""The candidate's pages: the "Certification" entry of the pupil's pages (session number + access code,
throttled), identity confirmation, waiting for the invigilator, the test (the pupil pages' challenge rendering and
answer parsing, no feedback), alerts, the end page.

Every candidate page needs the marker left in the store when this browser session typed the session's code
(`common.candidate_marker`): a new launch goes through the form again, which is a re-entry the invigilator must
allow once the test has started. The timer is the server's: the page only counts down what the server said.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import JSONResponse, RedirectResponse, Response

from certification.test_day import throttle
from certification.test_day.candidate import CandidateView, Step
from certification.test_day.errors import TestDayError, TestDayRefusal
from certification.test_day.service import TestDayService
from core import metrics
from engine.answers import AnswerValue
from engine.proposal_order import display_context, displayed_choices
from engine.referential import Challenge, ChallengeType
from web import params
from web.auth import checked_form, link, session_data
from web.certification.common import MARKER_SECONDS, candidate_marker, client_address, refused, test_day
from web.errors import LaunchRefused
from web.i18n import translator
from web.student_routes import MalformedAnswer, page, parse_answer
from web.tokens import SessionData

router = APIRouter()
PURPOSE = "code"
MAX_NUMBER = 99_999_999
_NOT_FOUND = LaunchRefused(404, "Cette page n'existe pas.", "Revenez à la page Certification.", "not_found")


def _redirect(request: Request, path: str) -> RedirectResponse:
    return RedirectResponse(link(request, path), status_code=303)


def _candidate_id(request: Request) -> int:
    value = params.record_id(request.path_params.get("candidate_id"))
    if value is None:
        raise _NOT_FOUND
    return value


async def _entered(request: Request, data: SessionData, candidate_id: int) -> bool:
    return await request.app.state.tool.store.get(candidate_marker(data, candidate_id)) is not None


def _base(candidate_id: int) -> str:
    return f"/certification/candidats/{candidate_id}"


async def _entered_form(request: Request) -> tuple[SessionData, int, FormData] | Response:
    """A candidate page's POST: the checked form, the candidate; the session form instead when this browser
    session did not type the session's code (no marker)."""
    data = session_data(request)
    form = await checked_form(request, data)
    candidate_id = _candidate_id(request)
    if not await _entered(request, data, candidate_id):
        return _redirect(request, "/certification")
    return data, candidate_id, form


async def _step(request: Request, use_case: Callable[[TestDayService, int, int], object], then: str, *,
                not_present: str | None = None) -> Response:
    """A step of the candidate's way (confirm identity, start): the use case, then the page `then`; the page
    `not_present` when the invigilator has not confirmed the candidate's presence yet."""
    entered = await _entered_form(request)
    if isinstance(entered, Response):
        return entered
    data, candidate_id, _ = entered
    service = test_day(request)
    try:
        await run_in_threadpool(use_case, service, data.account_id, candidate_id)
    except TestDayError as error:
        if not_present and error.code is TestDayRefusal.NOT_PRESENT:
            return _redirect(request, f"{_base(candidate_id)}/{not_present}")
        return refused(request, data, error)
    return _redirect(request, f"{_base(candidate_id)}/{then}")


# --- the session form --------------------------------------------------------------------------------------

@router.get("/certification")
async def entry_page(request: Request) -> Response:
    data = session_data(request)
    return page(request, data, "certif/candidat/entree.html", number="", error=None)


def _entry_error(request: Request, data: SessionData, key: str, status: int, number: str = "",
                 **values: object) -> Response:
    return page(request, data, "certif/candidat/entree.html", status_code=status, number=number,
                error=translator(data.locale)(key, **values))


@router.post("/certification")
async def join(request: Request) -> Response:
    data = session_data(request)
    form = await checked_form(request, data)
    store = request.app.state.tool.store
    address = client_address(request)
    raw_number = params.text(form.get("numero"), 16) or ""
    number = params.bounded_int(raw_number, 1, MAX_NUMBER)
    code = params.text(form.get("code"), 16)
    if number is None or not code:
        return _entry_error(request, data, "certif.entry.missing", 422, raw_number)
    wait = await throttle.seconds_locked(store, PURPOSE, data.account_id, address)
    if wait:
        return _entry_error(request, data, "certif.entry.too_many", 429, raw_number, seconds=wait)
    service = test_day(request)
    try:
        joined = await run_in_threadpool(service.join, data.account_id, number, code)
    except TestDayError as error:
        if error.code is TestDayRefusal.WRONG_SESSION_OR_CODE:
            await throttle.record_failure(store, PURPOSE, data.account_id, address)
            return _entry_error(request, data, "certif.refusal.wrong_session_or_code", 403, raw_number)
        if error.code is TestDayRefusal.NOT_CERTIFIABLE:
            sos = await run_in_threadpool(service.sos_code, number)
            return page(request, data, "certif/candidat/non_certifiable.html", status_code=403,
                        missing=int(str(error)) if str(error).isdigit() else 0, sos=sos)
        return refused(request, data, error)
    await throttle.clear_account(store, PURPOSE, data.account_id)
    if joined.step is Step.IDENTIFY:
        return page(request, data, "certif/candidat/identification.html", number=number, code=code, error=None)
    assert joined.candidate_id is not None
    return await _entered_redirect(request, data, joined.candidate_id, joined.step)


async def _entered_redirect(request: Request, data: SessionData, candidate_id: int, step: Step) -> Response:
    store = request.app.state.tool.store
    await store.set(candidate_marker(data, candidate_id), "1", MARKER_SECONDS)
    target = {Step.IDENTITY: "identite", Step.WAITING: "attente", Step.TEST: "epreuve", Step.REENTRY: "epreuve",
              Step.FINISHED: "fin"}[step]
    return _redirect(request, f"{_base(candidate_id)}/{target}")


@router.post("/certification/identification")
async def identify(request: Request) -> Response:
    """A pupil enrolled from a CSV (no account yet) names themself: last name, first name, birth date."""
    data = session_data(request)
    form = await checked_form(request, data)
    store = request.app.state.tool.store
    address = client_address(request)
    number = params.bounded_int(form.get("numero"), 1, MAX_NUMBER)
    code = params.text(form.get("code"), 16)
    last, first = params.text(form.get("nom"), 255), params.text(form.get("prenom"), 255)
    try:
        birth = date.fromisoformat(params.text(form.get("naissance"), 10) or "")
    except ValueError:
        birth = None
    if number is None or not code or not last or not first or birth is None:
        return page(request, data, "certif/candidat/identification.html", status_code=422, number=number or "",
                    code=code or "", error=translator(data.locale)("certif.identify.missing"))
    wait = await throttle.seconds_locked(store, PURPOSE, data.account_id, address)
    if wait:
        return _entry_error(request, data, "certif.entry.too_many", 429, str(number), seconds=wait)
    try:
        candidate_id = await run_in_threadpool(test_day(request).identify, data.account_id, number, code, last, first,
                                               birth)
    except TestDayError as error:
        await throttle.record_failure(store, PURPOSE, data.account_id, address)
        if error.code is TestDayRefusal.IDENTITY_MISMATCH:
            return page(request, data, "certif/candidat/identification.html", status_code=403, number=number,
                        code=code, error=translator(data.locale)("certif.refusal.identity_mismatch"))
        return refused(request, data, error)
    return await _entered_redirect(request, data, candidate_id, Step.IDENTITY)


# --- identity, waiting -------------------------------------------------------------------------------------

async def _view(request: Request, data: SessionData, candidate_id: int) -> CandidateView | Response:
    if not await _entered(request, data, candidate_id):
        return _redirect(request, "/certification")
    try:
        return await run_in_threadpool(test_day(request).view, data.account_id, candidate_id)
    except TestDayError as error:
        return refused(request, data, error)


@router.get("/certification/candidats/{candidate_id:digits}/identite")
async def identity_page(request: Request) -> Response:
    data = session_data(request)
    view = await _view(request, data, _candidate_id(request))
    if isinstance(view, Response):
        return view
    return page(request, data, "certif/candidat/identite.html", view=view)


@router.post("/certification/candidats/{candidate_id:digits}/identite")
async def confirm_identity(request: Request) -> Response:
    return await _step(request, TestDayService.confirm_identity, "attente")


@router.get("/certification/candidats/{candidate_id:digits}/attente")
async def waiting_page(request: Request) -> Response:
    data = session_data(request)
    view = await _view(request, data, _candidate_id(request))
    if isinstance(view, Response):
        return view
    if view.state is not None:
        return _redirect(request, f"{_base(view.candidate_id)}/epreuve")
    if not view.arrived:
        return _redirect(request, f"{_base(view.candidate_id)}/identite")
    return page(request, data, "certif/candidat/attente.html", view=view)


@router.get("/certification/candidats/{candidate_id:digits}/etat.json")
async def state_json(request: Request) -> Response:
    """What the waiting and paused pages poll every 5 seconds."""
    data = session_data(request)
    candidate_id = _candidate_id(request)
    if not await _entered(request, data, candidate_id):
        return JSONResponse({"error": "not_entered"}, status_code=403)
    try:
        view = await run_in_threadpool(test_day(request).view, data.account_id, candidate_id)
    except TestDayError as error:
        return JSONResponse({"error": error.code.value}, status_code=404)
    return JSONResponse({"present": view.present, "state": view.state, "answered": view.answered,
                         "remaining": view.remaining_seconds, "pending_alert": view.pending_alert,
                         "reentry_authorised": view.reentry_authorised},
                        headers={"cache-control": "no-store"})


@router.post("/certification/candidats/{candidate_id:digits}/commencer")
async def start(request: Request) -> Response:
    return await _step(request, TestDayService.start, "epreuve", not_present="attente")


# --- the test ----------------------------------------------------------------------------------------------

def _media(challenge: Challenge) -> dict[str, Any]:
    def href(path: str) -> str:
        return "/medias/" + path.removeprefix("media/")

    return {
        "illustration": (href(challenge.illustration.file), challenge.illustration.alt)
        if challenge.illustration else None,
        "attachments": [(href(a), a.rsplit("/", 1)[-1]) for a in challenge.attachments],
    }


async def _test_page(request: Request, data: SessionData, candidate_id: int, *, error: str | None = None,
                     status_code: int = 200) -> Response:
    if not await _entered(request, data, candidate_id):
        return _redirect(request, "/certification")
    try:
        view = await run_in_threadpool(test_day(request).current, data.account_id, candidate_id)
    except TestDayError as error_:
        if error_.code is TestDayRefusal.NOT_STARTED:
            return _redirect(request, f"{_base(candidate_id)}/attente")
        return refused(request, data, error_)
    if view.state == "ended":
        return _redirect(request, f"{_base(candidate_id)}/fin")
    if view.challenge is None or view.pending_alert:
        return page(request, data, "certif/candidat/suspendu.html", view=view)
    return page(request, data, "certif/candidat/epreuve.html", status_code=status_code, view=view,
                challenge=view.challenge, number=view.answered + 1, error=error, types=ChallengeType,
                choices=displayed_choices(view.challenge, display_context("certification", view.course_id)),
                **_media(view.challenge))


@router.get("/certification/candidats/{candidate_id:digits}/epreuve")
async def test_page(request: Request) -> Response:
    data = session_data(request)
    return await _test_page(request, data, _candidate_id(request))


@router.post("/certification/candidats/{candidate_id:digits}/reponses")
async def answer(request: Request) -> Response:
    entered = await _entered_form(request)
    if isinstance(entered, Response):
        return entered
    data, candidate_id, form = entered
    service = test_day(request)
    challenge_id, action = form.get("challenge_id"), form.get("action")
    challenge = service.referential.challenges.get(challenge_id) if isinstance(challenge_id, str) else None
    t = translator(data.locale)
    if challenge is None or action not in ("submit", "skip"):
        return refused(request, data, TestDayError(TestDayRefusal.NOT_CURRENT_CHALLENGE),
                       back=link(request, f"{_base(candidate_id)}/epreuve"), back_label=t("certif.test.back"))
    skipped = action == "skip"
    value: AnswerValue | None = None
    if not skipped:
        try:
            value = parse_answer(challenge, form)
        except MalformedAnswer:
            return await _test_page(request, data, candidate_id, error=t("test.unreadable"), status_code=400)
        if value is None:
            return await _test_page(request, data, candidate_id, error=t("test.empty"), status_code=422)
    try:
        await run_in_threadpool(lambda: service.answer(data.account_id, candidate_id, challenge.id, value,
                                                       skipped=skipped))
    except TestDayError as error:
        if error.code in (TestDayRefusal.PAUSED, TestDayRefusal.AWAITING_REENTRY, TestDayRefusal.ALERT_PENDING,
                          TestDayRefusal.TEST_ENDED):
            return _redirect(request, f"{_base(candidate_id)}/epreuve")
        return refused(request, data, error, back=link(request, f"{_base(candidate_id)}/epreuve"),
                       back_label=t("certif.test.back"))
    metrics.ANSWERS.labels("certification", "aband" if skipped else "recorded").inc()
    return _redirect(request, f"{_base(candidate_id)}/epreuve")


@router.post("/certification/candidats/{candidate_id:digits}/alertes")
async def alert(request: Request) -> Response:
    """The page reports that the candidate left it (from the script: 204), or the candidate says the question
    does not display (a button: back to the test page, which waits for the invigilator)."""
    entered = await _entered_form(request)
    if isinstance(entered, Response):
        return entered
    data, candidate_id, form = entered
    challenge_id, kind = params.token(form.get("challenge_id")), params.token(form.get("kind"), 16)
    from_script = request.headers.get("x-requested-with") == "fetch"
    try:
        if challenge_id is None or kind is None:
            raise TestDayError(TestDayRefusal.UNKNOWN_ALERT)
        await run_in_threadpool(test_day(request).raise_alert, data.account_id, candidate_id, challenge_id, kind)
    except TestDayError as error:
        if from_script:
            return JSONResponse({"error": error.code.value}, status_code=409)
        return refused(request, data, error, back=link(request, f"{_base(candidate_id)}/epreuve"))
    if from_script:
        return Response(status_code=204)
    return _redirect(request, f"{_base(candidate_id)}/epreuve")


@router.get("/certification/candidats/{candidate_id:digits}/fin")
async def end_page(request: Request) -> Response:
    data = session_data(request)
    view = await _view(request, data, _candidate_id(request))
    if isinstance(view, Response):
        return view
    if view.state != "ended":
        return _redirect(request, f"{_base(view.candidate_id)}/epreuve")
    return page(request, data, "certif/candidat/fin.html", view=view)
