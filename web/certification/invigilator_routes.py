"""The invigilator's space, usable on a tablet: session number + password (throttled; staff of the session's
centre only, checked again on every request), the candidate list with live statuses, refreshed every 5 seconds by a
small script reading `etat.json` (a reload every 10 seconds without script), and the room's actions: confirm
presence, let a candidate back in, pause / resume / end a test, add time, validate or refuse a live alert."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from certification.test_day import throttle
from certification.test_day.errors import TestDayError, TestDayRefusal
from certification.test_day.invigilator import Board
from certification.test_day.service import ACTIONS
from web import params
from web.auth import checked_form, link, session_data
from web.certification.common import MARKER_SECONDS, client_address, invigilator_marker, refused, test_day
from web.errors import LaunchRefused
from web.i18n import translator
from web.student_routes import page
from web.tokens import SessionData

router = APIRouter()
PURPOSE = "invigilator"
SPACE = "/certification/surveillance"
_NOT_FOUND = LaunchRefused(404, "Cette page n'existe pas.", "Revenez à l'espace surveillant.", "not_found")


def _id(request: Request, name: str) -> int:
    value = params.record_id(request.path_params.get(name))
    if value is None:
        raise _NOT_FOUND
    return value


def _login(request: Request, data: SessionData, status: int = 200, error: str | None = None,
           number: str = "") -> Response:
    return page(request, data, "certif/surveillance/connexion.html", status_code=status, error=error, number=number)


@router.get(SPACE)
async def login_page(request: Request) -> Response:
    return _login(request, session_data(request))


@router.post(SPACE)
async def login(request: Request) -> Response:
    data = session_data(request)
    form = await checked_form(request, data)
    t = translator(data.locale)
    store = request.app.state.tool.store
    address = client_address(request)
    raw_number = params.text(form.get("numero"), 16) or ""
    number = params.bounded_int(raw_number, 1, 99_999_999)
    password = params.text(form.get("mot_de_passe"), 16)
    if number is None or not password:
        return _login(request, data, 422, t("certif.space.missing"), raw_number)
    wait = await throttle.seconds_locked(store, PURPOSE, data.account_id, address)
    if wait:
        return _login(request, data, 429, t("certif.entry.too_many", seconds=wait), raw_number)
    try:
        session_id = await run_in_threadpool(test_day(request).open_space, data.account_id, number, password)
    except TestDayError as error:
        await throttle.record_failure(store, PURPOSE, data.account_id, address)
        if error.code is TestDayRefusal.WRONG_SESSION_OR_PASSWORD:
            return _login(request, data, 403, t("certif.refusal.wrong_session_or_password"), raw_number)
        return refused(request, data, error, back=link(request, SPACE), back_label=t("certif.space.back"))
    await throttle.clear_account(store, PURPOSE, data.account_id)
    await store.set(invigilator_marker(data, session_id), "1", MARKER_SECONDS)
    return RedirectResponse(link(request, f"{SPACE}/{session_id}"), status_code=303)


async def _board(request: Request, data: SessionData, session_id: int) -> Board | None:
    """The board, when this browser session opened the space of this session with its password and the account
    is still staff of the centre; None otherwise."""
    if await request.app.state.tool.store.get(invigilator_marker(data, session_id)) is None:
        return None
    return await run_in_threadpool(test_day(request).board, data.account_id, session_id)


@router.get(SPACE + "/{session_id:digits}")
async def board_page(request: Request) -> Response:
    data = session_data(request)
    session_id = _id(request, "session_id")
    try:
        board = await _board(request, data, session_id)
    except TestDayError as error:
        return refused(request, data, error, back=link(request, SPACE),
                       back_label=translator(data.locale)("certif.space.back"))
    if board is None:
        return RedirectResponse(link(request, SPACE), status_code=303)
    return page(request, data, "certif/surveillance/tableau.html", board=board, actions=ACTIONS,
                notice=params.token(request.query_params.get("fait"), 24))


def board_json(board: Board) -> dict[str, object]:
    return {
        "session": board.number, "state": board.state,
        "candidates": [{**asdict(line), "status": line.status.value} for line in board.lines],
    }


@router.get(SPACE + "/{session_id:digits}/etat.json")
async def board_state(request: Request) -> Response:
    data = session_data(request)
    try:
        board = await _board(request, data, _id(request, "session_id"))
    except TestDayError as error:
        return JSONResponse({"error": error.code.value}, status_code=403)
    if board is None:
        return JSONResponse({"error": "not_opened"}, status_code=403)
    return JSONResponse(board_json(board), headers={"cache-control": "no-store"})


@router.post(SPACE + "/{session_id:digits}/candidats/{candidate_id:digits}/{action}")
async def act(request: Request, action: str) -> Response:
    data = session_data(request)
    form = await checked_form(request, data)
    session_id, candidate_id = _id(request, "session_id"), _id(request, "candidate_id")
    t = translator(data.locale)
    back = link(request, f"{SPACE}/{session_id}")
    if action not in ACTIONS:
        raise _NOT_FOUND
    minutes = 0
    if action == "temps":
        minutes = params.bounded_int(form.get("minutes"), 1, 60) or 0
        if not minutes:
            return refused(request, data, TestDayError(TestDayRefusal.INVALID_TIME), back=back,
                           back_label=t("certif.space.board"))
    if await request.app.state.tool.store.get(invigilator_marker(data, session_id)) is None:
        return RedirectResponse(link(request, SPACE), status_code=303)
    try:
        await run_in_threadpool(test_day(request).act, data.account_id, session_id, action, candidate_id, minutes)
    except TestDayError as error:
        return refused(request, data, error, back=back, back_label=t("certif.space.board"))
    return RedirectResponse(link(request, f"{SPACE}/{session_id}", fait=action), status_code=303)


@router.post(SPACE + "/{session_id:digits}/alertes/{alert_id:digits}/{decision}")
async def resolve(request: Request, decision: str) -> Response:
    data = session_data(request)
    await checked_form(request, data)
    session_id, alert_id = _id(request, "session_id"), _id(request, "alert_id")
    t = translator(data.locale)
    if decision not in ("valider", "refuser"):
        raise _NOT_FOUND
    if await request.app.state.tool.store.get(invigilator_marker(data, session_id)) is None:
        return RedirectResponse(link(request, SPACE), status_code=303)
    try:
        await run_in_threadpool(lambda: test_day(request).resolve_alert(data.account_id, session_id, alert_id,
                                                                        validate=decision == "valider"))
    except TestDayError as error:
        return refused(request, data, error, back=link(request, f"{SPACE}/{session_id}"),
                       back_label=t("certif.space.board"))
    return RedirectResponse(link(request, f"{SPACE}/{session_id}", fait=f"alerte-{decision}"), status_code=303)
