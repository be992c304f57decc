"""Certification staff pages: the centres an account is staff of, their sessions, enrolment (classes, CSV), the
incidents, finalisation and publication.

Access is read from the database on every request (`certification.access`): a pupil gets a refusal page, the
staff of another centre a 404 (nothing tells them the session exists). Every POST carries the CSRF token;
every link and form carries the `lt` token when the request came with one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from certification import centres
from certification.access import SessionCreators
from certification.enrolment import MAX_CSV_BYTES, CsvRefused
from certification.errors import StaffRefusal
from certification.finalisation import FinalisationReport, ReportedIncident
from certification.service import CertificationStaff, SessionView
from certification.sessions import SessionDraft
from engine.certification.records import CertificationVersion, EndReason, IncidentCategory
from web import params
from web.auth import CSRF_FIELD, checked_form, csrf_token, link, session_data
from web.errors import LaunchRefused
from web.i18n import translator
from web.student_routes import learning, page, redirect
from web.tokens import SessionData

router = APIRouter()
T = TypeVar("T")
CSV_PATH_SUFFIX = "/csv"  # POST /certif/sessions/{id}/csv: the upload limit applies (web.body_limit)
FINALISATION_FIELDS = 4000
INCIDENT_CATEGORIES = tuple(IncidentCategory)
ABORT_REASONS = (EndReason.ABORTED_CANDIDATE, EndReason.ABORTED_TECHNICAL)


def staff_service(request: Request) -> CertificationStaff:
    service: CertificationStaff | None = getattr(request.app.state, "certification_staff", None)
    sessions = request.app.state.tool.sessions
    if service is None or service.sessions is not sessions:
        service = CertificationStaff(sessions, learning(request).referential)
        request.app.state.certification_staff = service
    return service


def _staff(request: Request) -> SessionData:
    """A pupil's session never reaches a staff page (each page also checks the centre from the database)."""
    data = session_data(request)
    if data.role == "student":
        t = translator(data.locale)
        raise LaunchRefused(403, t("certif.staff_only"), t("certif.staff_only.advice"), "staff_only")
    return data


def _refused(request: Request, data: SessionData, error: StaffRefusal, back: str = "/certif") -> Response:
    t = translator(data.locale)
    key = f"certif.refusal.{error.code}"
    reason = t(key)
    if reason == key:
        reason, key = t("certif.refusal.default"), "certif.refusal.default"
    advice = t(f"{key}.advice")
    if error.code == "invalid" and error.detail:
        advice = t("certif.refusal.invalid.field", field=t(f"certif.field.{error.detail.split(' ')[0]}"))
    return page(request, data, "eleve/refus.html", status_code=error.status, reason=reason, advice=advice,
                code=error.code, back=link(request, back), back_label=t("certif.back"))


def _path_id(request: Request, name: str) -> int:
    value = params.record_id(request.path_params.get(name))
    if value is None:
        t = translator(session_data(request).locale)
        raise LaunchRefused(404, t("certif.refusal.unknown"), t("certif.refusal.unknown.advice"), "not_found")
    return value


async def _big_form(request: Request, data: SessionData, max_fields: int, max_files: int = 0) -> FormData:
    """`checked_form`'s checks for the forms that carry one field per candidate (finalisation) or a file."""
    site = request.headers.get("sec-fetch-site")
    t = translator(data.locale)
    if site is not None and site not in ("same-origin", "none"):
        raise LaunchRefused(403, t("certif.refusal.forged"), t("certif.refusal.forged.advice"), "csrf")
    try:
        form = await request.form(max_files=max_files, max_fields=max_fields)
    except Exception as exc:  # malformed or oversized: a refusal, never a 5xx
        raise LaunchRefused(400, t("certif.refusal.bad_form"), t("certif.refusal.bad_form.advice"),
                            "bad_form") from exc
    if not params.same_secret(csrf_token(request, data), form.get(CSRF_FIELD)):
        raise LaunchRefused(403, t("certif.refusal.forged"), t("certif.refusal.forged.advice"), "csrf")
    return form


async def _act(request: Request, data: SessionData, use_case: Callable[[], T], then: Callable[[T], str],
               back: str = "/certif", **query: str) -> Response:
    """Every staff action's ending: the use case in the thread pool, a refusal page (with `back`) when it
    refuses, else a redirect to the page `then` names from its result (with `query`, e.g. the notice)."""
    try:
        result = await run_in_threadpool(use_case)
    except StaffRefusal as exc:
        return _refused(request, data, exc, back)
    return redirect(request, then(result), **query)


def _to_session(session_id: int) -> str:
    return f"/certif/sessions/{session_id}"


async def _on_record(request: Request, path_name: str, use_case: Callable[[CertificationStaff, int, int], int],
                     notice: str) -> Response:
    """A form with nothing but its CSRF token, acting on the record named in the path; the use case returns the
    session's id, whose page then shows `notice`."""
    data = _staff(request)
    await checked_form(request, data)
    record_id = _path_id(request, path_name)
    return await _act(request, data, lambda: use_case(staff_service(request), data.account_id, record_id),
                      _to_session, fait=notice)


def _draft(form: FormData) -> SessionDraft:
    """The session form's fields, typed; a StaffRefusal naming the first unusable one."""
    raw_day = params.text(form.get("date"), 10) or ""
    try:
        day = date.fromisoformat(raw_day)
    except ValueError as exc:
        raise StaffRefusal("invalid", 400, "date") from exc
    values = {}
    for field, size in (("time", 5), ("room", 255), ("examiner", 255), ("address", 512)):
        value = params.text(form.get(field, ""), size)
        if value is None:
            raise StaffRefusal("invalid", 400, field)
        values[field] = value
    description = form.get("description", "")
    if not isinstance(description, str) or len(description) > 2000:
        raise StaffRefusal("invalid", 400, "description")
    return SessionDraft(day, values["time"], values["room"], values["examiner"], values["address"],
                        description.replace("\r\n", "\n"))


# --- centres -----------------------------------------------------------------------------------------------------

@router.get("/certif")
async def home(request: Request) -> Response:
    data = _staff(request)
    view = await run_in_threadpool(staff_service(request).home, data.account_id)
    return page(request, data, "certif/accueil.html", home=view)


@router.post("/certif/centres")
async def open_centre(request: Request) -> Response:
    data = _staff(request)
    form = await checked_form(request, data)
    kind = params.text(form.get("kind"), 8) or ""
    key = params.text(form.get("key"), 16) or ""
    try:
        centre = await run_in_threadpool(staff_service(request).open_centre, data.account_id, kind, key)
    except StaffRefusal as exc:
        return _refused(request, data, exc)
    return redirect(request, f"/certif/centres/{centre.id}")


@router.get("/certif/centres/{centre_id}")
async def centre_page(request: Request, centre_id: str) -> Response:
    data = _staff(request)
    try:
        view = await run_in_threadpool(staff_service(request).centre, data.account_id, _path_id(request, "centre_id"))
    except StaffRefusal as exc:
        return _refused(request, data, exc)
    return page(request, data, "certif/centre.html", view=view, versions=tuple(CertificationVersion),
                creators=tuple(SessionCreators), saved=request.query_params.get("enregistre") == "1")


@router.post("/certif/centres/{centre_id}/parametres")
async def centre_settings(request: Request, centre_id: str) -> Response:
    data = _staff(request)
    form = await checked_form(request, data)
    cid = _path_id(request, "centre_id")
    try:
        try:
            settings = centres.CentreSettings(
                params.text(form.get("name"), 512) or "", CertificationVersion(str(form.get("version"))),
                SessionCreators(str(form.get("session_creators"))), str(form.get("publication")),
                params.text(form.get("address", ""), 512))
        except ValueError as exc:
            raise StaffRefusal("invalid", 400, "settings") from exc
        await run_in_threadpool(staff_service(request).change_settings, data.account_id, cid, settings)
    except StaffRefusal as exc:
        return _refused(request, data, exc, f"/certif/centres/{cid}")
    return redirect(request, f"/certif/centres/{cid}", enregistre="1")


@router.post("/certif/centres/{centre_id}/sessions")
async def create_session(request: Request, centre_id: str) -> Response:
    data = _staff(request)
    form = await checked_form(request, data)
    cid = _path_id(request, "centre_id")
    return await _act(request, data, lambda: staff_service(request).create_session(data.account_id, cid, _draft(form)),
                      lambda row: _to_session(row.id), f"/certif/centres/{cid}")


@router.post("/certif/centres/{centre_id}/{template}")
async def create_campaign(request: Request, centre_id: str, template: str) -> Response:
    """One click: the SOS campaign ("sos") or the rentrée diagnostic ("rentree"), then its campaign page."""
    data = _staff(request)
    await checked_form(request, data)
    cid = _path_id(request, "centre_id")
    service = staff_service(request)
    use_case = {"sos": service.create_sos, "rentree": service.create_rentree}.get(template)
    if use_case is None:
        return _refused(request, data, StaffRefusal("unknown", 404), f"/certif/centres/{cid}")
    try:
        campaign = await run_in_threadpool(use_case, data.account_id, cid)
    except StaffRefusal as exc:
        return _refused(request, data, exc, f"/certif/centres/{cid}")
    return redirect(request, f"/campagnes/{campaign.id}")


# --- sessions ----------------------------------------------------------------------------------------------------

async def _session_page(request: Request, data: SessionData, session_id: int, status_code: int = 200,
                        **extra: object) -> Response:
    service = staff_service(request)
    view: SessionView = await run_in_threadpool(service.session, data.account_id, session_id)
    classes = await run_in_threadpool(service.classes, data.account_id, session_id) if view.may_edit else []
    enrolled = {line.candidate.account_id for line in view.lines}
    return page(request, data, "certif/session.html", status_code=status_code, view=view, classes=classes,
                enrolled=enrolled, categories=INCIDENT_CATEGORIES, max_csv_kb=MAX_CSV_BYTES // 1000,
                **{"csv_errors": (), "csv_code": None, "notice": request.query_params.get("fait"), **extra})


@router.get("/certif/sessions/{session_id}")
async def session_page(request: Request, session_id: str) -> Response:
    data = _staff(request)
    try:
        return await _session_page(request, data, _path_id(request, "session_id"))
    except StaffRefusal as exc:
        return _refused(request, data, exc)


@router.post("/certif/sessions/{session_id}/modifier")
async def edit_session(request: Request, session_id: str) -> Response:
    data = _staff(request)
    form = await checked_form(request, data)
    sid = _path_id(request, "session_id")
    return await _act(request, data, lambda: staff_service(request).update_session(data.account_id, sid, _draft(form)),
                      lambda _: _to_session(sid), _to_session(sid), fait="modifiee")


@router.post("/certif/sessions/{session_id}/supprimer")
async def delete_session(request: Request, session_id: str) -> Response:
    data = _staff(request)
    await checked_form(request, data)
    sid = _path_id(request, "session_id")
    return await _act(request, data, lambda: staff_service(request).delete_session(data.account_id, sid),
                      lambda centre_id: f"/certif/centres/{centre_id}", _to_session(sid))


@router.post("/certif/sessions/{session_id}/inscrire")
async def enrol(request: Request, session_id: str) -> Response:
    data = _staff(request)
    sid = _path_id(request, "session_id")
    form = await _big_form(request, data, FINALISATION_FIELDS)
    chosen = [params.record_id(v) for v in form.getlist("eleve")]
    try:
        if not chosen or any(v is None for v in chosen):
            raise StaffRefusal("invalid", 400, "pupils")
        await run_in_threadpool(staff_service(request).enrol, data.account_id, sid, [v for v in chosen if v])
    except StaffRefusal as exc:
        return _refused(request, data, exc, f"/certif/sessions/{sid}")
    return redirect(request, f"/certif/sessions/{sid}", fait="inscrits")


@router.post("/certif/sessions/{session_id}" + CSV_PATH_SUFFIX)
async def enrol_csv(request: Request, session_id: str) -> Response:
    data = _staff(request)
    sid = _path_id(request, "session_id")
    form = await _big_form(request, data, 8, max_files=1)
    upload = form.get("fichier")
    try:
        if upload is None or isinstance(upload, str):
            raise CsvRefused("no_file")
        raw = await upload.read(MAX_CSV_BYTES + 1)
        await run_in_threadpool(staff_service(request).enrol_csv, data.account_id, sid, raw)
    except StaffRefusal as exc:
        return _refused(request, data, exc, f"/certif/sessions/{sid}")
    except CsvRefused as exc:
        t = translator(data.locale)
        return await _session_page(request, data, sid, status_code=400, csv_errors=exc.errors, csv_code=exc.code,
                                   csv_missing=[t(f"certif.field.{m}") for m in exc.missing])
    return redirect(request, f"/certif/sessions/{sid}", fait="csv")


@router.post("/certif/candidats/{candidate_id}/retirer")
async def remove_candidate(request: Request, candidate_id: str) -> Response:
    return await _on_record(request, "candidate_id", CertificationStaff.remove_candidate, "retire")


@router.post("/certif/candidats/{candidate_id}/incident")
async def report_incident(request: Request, candidate_id: str) -> Response:
    data = _staff(request)
    form = await checked_form(request, data)
    try:
        try:
            category = IncidentCategory(str(form.get("category")))
        except ValueError as exc:
            raise StaffRefusal("invalid", 400, "category") from exc
        challenge = params.token(form.get("challenge")) if form.get("challenge") else None
        comment = form.get("comment", "")
        if not isinstance(comment, str) or params.text(comment, 2000) is None:
            raise StaffRefusal("invalid", 400, "comment")
        sid = await run_in_threadpool(staff_service(request).report_incident, data.account_id,
                                      _path_id(request, "candidate_id"),
                                      ReportedIncident(0, category, comment.strip(), challenge))
    except StaffRefusal as exc:
        return _refused(request, data, exc)
    return redirect(request, f"/certif/sessions/{sid}", fait="incident")


@router.post("/certif/incidents/{report_id}/retirer")
async def withdraw_incident(request: Request, report_id: str) -> Response:
    return await _on_record(request, "report_id", CertificationStaff.withdraw_incident, "incident_retire")


@router.get("/certif/sessions/{session_id}/finaliser")
async def finalisation_page(request: Request, session_id: str) -> Response:
    data = _staff(request)
    sid = _path_id(request, "session_id")
    try:
        view = await run_in_threadpool(staff_service(request).session, data.account_id, sid)
        if not view.may_manage:
            raise StaffRefusal("forbidden", 403)
    except StaffRefusal as exc:
        return _refused(request, data, exc, f"/certif/sessions/{sid}")
    return page(request, data, "certif/finaliser.html", view=view, abort_reasons=ABORT_REASONS)


@router.post("/certif/sessions/{session_id}/finaliser")
async def finalise(request: Request, session_id: str) -> Response:
    data = _staff(request)
    sid = _path_id(request, "session_id")
    form = await _big_form(request, data, FINALISATION_FIELDS)
    try:
        absent = [params.record_id(v) for v in form.getlist("absent")]
        if any(v is None for v in absent):
            raise StaffRefusal("invalid", 400, "absent")
        reasons: dict[int, EndReason] = {}
        for key, value in form.multi_items():
            if key.startswith("fin_"):
                candidate = params.record_id(key[4:])
                if candidate is None or value not in {r.value for r in ABORT_REASONS}:
                    raise StaffRefusal("invalid", 400, "abort_reason")
                reasons[candidate] = EndReason(value)
        comment = form.get("examiner_comment", "")
        if not isinstance(comment, str) or len(comment) > 2000:
            raise StaffRefusal("invalid", 400, "examiner_comment")
        report = FinalisationReport(frozenset(v for v in absent if v), (), reasons, comment)
        await run_in_threadpool(staff_service(request).finalise, data.account_id, sid, report)
    except StaffRefusal as exc:
        return _refused(request, data, exc, f"/certif/sessions/{sid}/finaliser")
    return redirect(request, f"/certif/sessions/{sid}", fait="finalisee")


@router.post("/certif/sessions/{session_id}/publier")
async def publish(request: Request, session_id: str) -> Response:
    data = _staff(request)
    await checked_form(request, data)
    sid = _path_id(request, "session_id")
    return await _act(request, data, lambda: staff_service(request).publish(data.account_id, sid),
                      lambda _: _to_session(sid), _to_session(sid), fait="publiee")
