"""What the candidate's and the invigilator's pages share: the test day service (one per app), the refusal page of
a `TestDayError`, the markers that say this browser session typed the session's code or password, and the static
files of the certification pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from certification.test_day.errors import TestDayError, TestDayRefusal
from certification.test_day.service import TestDayService
from content_bank.loader import default_referential
from web.auth import link
from web.i18n import translator
from web.static_routes import shipped_file
from web.student_routes import page
from web.tokens import SessionData

router = APIRouter()
STATIC_DIR = (Path(__file__).resolve().parents[1] / "static" / "certif").resolve()
MARKER_SECONDS = 6 * 3600  # a test day: 1 h 45 + extra time + waiting, well within

_STATUS: dict[TestDayRefusal, int] = {
    TestDayRefusal.WRONG_SESSION_OR_CODE: 403, TestDayRefusal.WRONG_SESSION_OR_PASSWORD: 403,
    TestDayRefusal.NOT_ENROLLED: 403, TestDayRefusal.IDENTITY_MISMATCH: 403, TestDayRefusal.NOT_STAFF: 403,
    TestDayRefusal.UNKNOWN_CANDIDATE: 404, TestDayRefusal.UNKNOWN_ALERT: 404, TestDayRefusal.INVALID_TIME: 400,
}


def test_day(request: Request) -> TestDayService:
    tool = request.app.state.tool
    service: TestDayService | None = getattr(request.app.state, "test_day", None)
    if service is None or service.sessions is not tool.sessions:
        service = TestDayService(tool.sessions, default_referential())
        request.app.state.test_day = service
    return service


def refused(request: Request, data: SessionData, error: TestDayError, *, back: str | None = None,
            back_label: str | None = None, status: int | None = None, **values: object) -> Response:
    t = translator(data.locale)
    code = error.code.value
    return page(request, data, "eleve/refus.html", status_code=status or _STATUS.get(error.code, 409),
                reason=t(f"certif.refusal.{code}", **values), advice=t(f"certif.refusal.{code}.advice", **values),
                code=code, back=back or link(request, "/certification"), back_label=back_label or t("certif.day.back"))


def candidate_marker(data: SessionData, candidate_id: int) -> str:
    return f"certif:candidate:{data.launch_id}:{data.account_id}:{candidate_id}"


def invigilator_marker(data: SessionData, session_id: int) -> str:
    return f"certif:invigilator:{data.launch_id}:{data.account_id}:{session_id}"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


@router.get("/certif/static/{name}")
async def static(name: str) -> Response:
    return shipped_file(STATIC_DIR, name)
