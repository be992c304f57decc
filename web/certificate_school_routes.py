"""The school's certification results (issue 20), for the centre's staff (`certification.access`: direction,
documentation and teachers through the GAR, the course's instructors and administrators through LTI, staff
named by an admin); another centre's staff and pupils get a 404, never a hint that the centre exists.

Under `/resultats-certification/{centre}`: the sessions and classes with their results table (CSV, `;`, UTF-8
BOM, like the campaign exports) and their attestations as one PDF, the centre's bilan (printable SVG charts,
no JavaScript) and the livret scolaire document (`certificates.livret`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from certificates import repository
from certificates.attestation import attestations_pdf
from certificates.bilan import Bilan, centre_bilan, school_year_label
from certificates.exports import results_csv
from certificates.livret import livret_json
from certificates.views import Certificate, certificate_of, french_date
from certification.access import role_in_centre, staff_places
from certification.models import CentreRow
from content_bank.loader import default_referential
from web import params
from web.auth import link, session_data
from web.bar_charts import bar_chart
from web.errors import LaunchRefused
from web.i18n import Translator, translator
from web.locale import request_locale
from web.pages import render
from web.tokens import SessionData

router = APIRouter()
T = TypeVar("T")
_PREFIX = "/resultats-certification"
_NOT_FOUND = LaunchRefused(404, "Ces résultats n'existent pas ou ne vous sont pas accessibles.",
                           "Seule l'équipe du centre de certification voit ses résultats.", "unknown_centre")
MAX_CLASS_CHARS = 255


async def _db(request: Request, work: Callable[[Session], T]) -> T:
    sessions = request.app.state.tool.sessions

    def run() -> T:
        with sessions() as session:
            return work(session)

    return await run_in_threadpool(run)


def _staff_of(session: Session, data: SessionData, centre_id: int) -> CentreRow:
    centre = session.get(CentreRow, centre_id)
    if centre is None or role_in_centre(session, data.account_id, centre) is None:
        raise _NOT_FOUND
    return centre


def _centre_id(raw: str) -> int:
    number = params.record_id(raw)
    if number is None:
        raise _NOT_FOUND
    return number


def _division(request: Request) -> str | None:
    raw = request.query_params.get("classe")
    if raw is None:
        return None
    value = params.text(raw, MAX_CLASS_CHARS)
    if value is None:
        raise LaunchRefused(400, "Le nom de classe demandé n'est pas valide.", "Revenez aux résultats du centre.",
                            "bad_class")
    return value


def _certificates(rows: list[Any]) -> list[Certificate]:
    referential = default_referential()
    return [certificate_of(row, referential) for row in rows]


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    response = render(request, f"certificats/{name}", status_code=status_code, french_date=french_date,
                      url=lambda path, **query: link(request, path, **query), prefix=_PREFIX, **context)
    response.headers["cache-control"] = "private, no-store"
    return response


def _file(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "content-disposition": f'attachment; filename="{filename}"', "cache-control": "private, no-store"})


def _slug(text: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text).strip("-")[:40] or "classe"


@router.get(_PREFIX)
async def centres(request: Request) -> Response:
    data = session_data(request)

    def load(session: Session) -> list[tuple[CentreRow, int]]:
        places = staff_places(session, data.account_id)
        return [(p.centre, len(repository.sessions_of_centre(session, p.centre.id))) for p in places]

    return _page(request, "centres.html", centres=await _db(request, load))


@router.get(_PREFIX + "/{centre_id:digits}")
async def centre(request: Request, centre_id: str) -> Response:
    data = session_data(request)
    number = _centre_id(centre_id)

    def load(session: Session) -> dict[str, Any]:
        centre = _staff_of(session, data, number)
        rows = repository.of_centre(session, centre.id)
        sessions: dict[int, dict[str, Any]] = {}
        for row in rows:
            entry = sessions.setdefault(row.session_id, {"id": row.session_id, "number": row.session_number,
                                                         "date": row.session_date, "candidates": 0,
                                                         "validated": 0, "classes": set()})
            entry["candidates"] += 1
            entry["validated"] += row.status == "validated"
            entry["classes"].add(row.division or "")
        ordered = sorted(sessions.values(), key=lambda s: (s["date"], s["id"]), reverse=True)
        for entry in ordered:
            entry["classes"] = sorted(c for c in entry["classes"] if c)
        classes = sorted({row.division for row in rows if row.division})
        return {"centre": centre, "sessions": ordered, "classes": classes}

    return _page(request, "centre.html", **await _db(request, load))


def _session_rows(session: Session, data: SessionData, centre_id: int, session_id: int,
                  division: str | None) -> list[Certificate]:
    centre = _staff_of(session, data, centre_id)
    rows = [r for r in repository.of_session(session, session_id, division) if r.centre_id == centre.id]
    if not rows:
        raise _NOT_FOUND
    return _certificates(rows)


def _class_rows(session: Session, data: SessionData, centre_id: int, division: str | None) -> list[Certificate]:
    centre = _staff_of(session, data, centre_id)
    if division is None:
        raise _NOT_FOUND
    rows = repository.of_centre(session, centre.id, division)
    if not rows:
        raise _NOT_FOUND
    return _certificates(rows)


@router.get(_PREFIX + "/{centre_id:digits}/sessions/{session_id:digits}/resultats.csv")
async def session_csv(request: Request, centre_id: str, session_id: str) -> Response:
    data, division = session_data(request), _division(request)
    found = await _db(request, lambda s: _session_rows(s, data, _centre_id(centre_id), _centre_id(session_id),
                                                        division))
    suffix = f"-{_slug(division)}" if division else ""
    return _file(results_csv(found), "text/csv; charset=utf-8",
                 f"resultats-session-{found[0].session_number}{suffix}.csv")


@router.get(_PREFIX + "/{centre_id:digits}/sessions/{session_id:digits}/attestations.pdf")
async def session_attestations(request: Request, centre_id: str, session_id: str) -> Response:
    data, division = session_data(request), _division(request)
    base = request.app.state.tool.settings.base_url
    found = await _db(request, lambda s: _session_rows(s, data, _centre_id(centre_id), _centre_id(session_id),
                                                        division))
    pdf = await run_in_threadpool(attestations_pdf, found, base)
    suffix = f"-{_slug(division)}" if division else ""
    return _file(pdf, "application/pdf", f"attestations-session-{found[0].session_number}{suffix}.pdf")


@router.get(_PREFIX + "/{centre_id:digits}/classe/resultats.csv")
async def class_csv(request: Request, centre_id: str) -> Response:
    data, division = session_data(request), _division(request)
    found = await _db(request, lambda s: _class_rows(s, data, _centre_id(centre_id), division))
    return _file(results_csv(found), "text/csv; charset=utf-8", f"resultats-{_slug(division or '')}.csv")


@router.get(_PREFIX + "/{centre_id:digits}/classe/attestations.pdf")
async def class_attestations(request: Request, centre_id: str) -> Response:
    data, division = session_data(request), _division(request)
    base = request.app.state.tool.settings.base_url
    found = await _db(request, lambda s: _class_rows(s, data, _centre_id(centre_id), division))
    pdf = await run_in_threadpool(attestations_pdf, found, base)
    return _file(pdf, "application/pdf", f"attestations-{_slug(division or '')}.pdf")


@router.get(_PREFIX + "/{centre_id:digits}/livret-scolaire.json")
async def livret(request: Request, centre_id: str) -> Response:
    data = session_data(request)

    def load(session: Session) -> tuple[CentreRow, list[Certificate]]:
        centre = _staff_of(session, data, _centre_id(centre_id))
        return centre, _certificates(repository.of_centre(session, centre.id))

    centre_row, found = await _db(request, load)
    return _file(livret_json(found), "application/json", f"livret-scolaire-{centre_row.uai or centre_row.id}.json")


def _charts(bilan: Bilan, t: Translator) -> dict[str, Any]:
    current, previous = bilan.current, bilan.previous
    scores = bar_chart([b.label for b in current.score_buckets], [[b.value for b in current.score_buckets]])
    levels = bar_chart([t(f"certificate.level_name.{g.code}") for g in current.global_levels],
                       [[g.value for g in current.global_levels]])
    competence_series = [[m.mean for m in current.competence_means]]
    if previous is not None:
        before = {m.code: m.mean for m in previous.competence_means}
        competence_series.append([before.get(m.code, 0.0) for m in current.competence_means])
    competences = bar_chart([m.code for m in current.competence_means], competence_series, maximum=8, width=720)
    classes = bar_chart([c.division for c in current.classes], [[c.mean_level or 0.0 for c in current.classes]],
                        maximum=8)
    return {"score_chart": scores, "level_chart": levels, "competence_chart": competences, "class_chart": classes}


@router.get(_PREFIX + "/{centre_id:digits}/bilan")
async def bilan_page(request: Request, centre_id: str) -> Response:
    data = session_data(request)
    year = params.bounded_int(request.query_params.get("annee"), 2000, 2200) \
        if request.query_params.get("annee") is not None else None

    def load(session: Session) -> tuple[CentreRow, Bilan | None]:
        centre = _staff_of(session, data, _centre_id(centre_id))
        found = _certificates(repository.of_centre(session, centre.id))
        return centre, centre_bilan(found[0].centre_name if found else centre.name, found, year)

    centre_row, bilan = await _db(request, load)
    t = translator(request_locale(request))
    return _page(request, "bilan.html", centre=centre_row, bilan=bilan, year_label=school_year_label, t=t,
                 **(_charts(bilan, t) if bilan else {}))
