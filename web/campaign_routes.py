"""Campaign pages ("parcours"): joining by code, the student's campaign page (take the test, send the results),
and the teachers' pages (create, follow the class on a dashboard, export CSV).

Access: any logged-in session (LTI or GAR) may join by code; a student only ever reaches their own
participations; a teacher sees a campaign only as a teacher of its course or staff of its school (checked in
`campaigns.access` against the database, not only the session's role). Every POST carries the CSRF token;
every link and form carries the `lt` token when the request came with one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from campaigns.heatmap import class_heatmap, shade, svg
from campaigns.service import CampaignService
from campaigns.use_cases import CampaignAccess, CampaignDraft
from engine.campaigns.participation import CampaignError, CampaignRefusal, CampaignType, ParticipationStatus
from engine.campaigns.results import read_snapshot
from web import params
from web.auth import checked_form, link, session_data
from web.errors import LaunchRefused
from web.i18n import translator
from web.student_routes import learning, page, path_token, redirect
from web.tokens import SessionData

router = APIRouter()
MAX_LEVELS = (2, 3, 4, 5, 6)
_RETURN_PATH = re.compile(r"/[A-Za-z0-9_~./-]{1,200}")

# the HTTP status of each refusal; its words are `campaign.refusal.<code>` (+ `.advice`) in `web.i18n`
_STATUSES: dict[str, int] = {
    CampaignRefusal.INVALID_CODE: 400, CampaignRefusal.UNKNOWN_CODE: 404, CampaignRefusal.CAMPAIGN_ARCHIVED: 409,
    CampaignRefusal.NOT_COMPLETED: 409, CampaignRefusal.ALREADY_SHARED: 409, CampaignRefusal.ALREADY_COMPLETED: 409,
    CampaignRefusal.RETRY_NOT_ALLOWED: 409, CampaignRefusal.RETRY_NOT_SHARED: 409,
    CampaignRefusal.RETRY_TOO_EARLY: 409, CampaignRefusal.RETRY_FULL_MASTERY: 409, CampaignRefusal.NOT_A_TEST: 409,
    CampaignAccess.FORBIDDEN: 403, CampaignAccess.UNKNOWN_CAMPAIGN: 404, CampaignAccess.UNKNOWN_PARTICIPATION: 404,
    CampaignAccess.BAD_FORM: 400,
}


def _message(data: SessionData, code: str) -> tuple[int, str, str]:
    """The status, reason and advice of a refusal, in the session's language."""
    t = translator(data.locale)
    key = f"campaign.refusal.{code}" if code in _STATUSES else "campaign.refusal.default"
    return _STATUSES.get(code, 409), t(key), t(f"{key}.advice")


def campaign_service(request: Request) -> CampaignService:
    service: CampaignService | None = getattr(request.app.state, "campaigns", None)
    sessions = request.app.state.tool.sessions
    if service is None or service.sessions is not sessions:
        service = CampaignService(sessions, learning(request).referential)
        request.app.state.campaigns = service
    return service


def _refused(request: Request, data: SessionData, error: CampaignError, back: str, back_label: str) -> Response:
    """The refusal page; `back_label` is the key of the back link's words."""
    status, reason, advice = _message(data, error.code)
    return page(request, data, "eleve/refus.html", status_code=status, reason=reason, advice=advice, code=error.code,
                back=link(request, back), back_label=translator(data.locale)(back_label))


def _teacher(request: Request) -> SessionData:
    data = session_data(request)
    if data.role == "student":
        t = translator(data.locale)
        raise LaunchRefused(403, t("campaign.teachers_only"), t("campaign.teachers_only.advice"), "teachers_only")
    return data


# --- students: join by code, the campaign page -----------------------------------------------------------------

@router.get("/campagnes/rejoindre")
async def join_page(request: Request, code: str = "") -> Response:
    data = session_data(request)
    service = campaign_service(request)
    mine = await run_in_threadpool(service.mine, data.account_id)
    campaign, error = None, None
    if code:  # already joined (a relaunched campaign activity): straight to the participation, not "join" again
        joined = await run_in_threadpool(service.joined, data.account_id, code)
        if joined is not None:
            return redirect(request, f"/campagnes/participations/{joined}")
        try:
            campaign = await run_in_threadpool(service.find, code)
        except CampaignError as exc:
            error = _message(data, exc.code)[1]
    return page(request, data, "campagnes/rejoindre.html", status_code=200 if error is None else 404,
                code=code[:64], campaign=campaign, error=error, mine=mine)


@router.post("/campagnes/rejoindre")
async def join(request: Request) -> Response:
    data = session_data(request)
    form = await checked_form(request, data)
    typed = form.get("code")
    service = campaign_service(request)
    try:
        participation_id = await run_in_threadpool(service.join, data.account_id,
                                                   typed if isinstance(typed, str) else "")
    except CampaignError as exc:
        status, reason, advice = _message(data, exc.code)
        mine = await run_in_threadpool(service.mine, data.account_id)
        return page(request, data, "campagnes/rejoindre.html", status_code=status, code=str(typed or "")[:64],
                    campaign=None, error=f"{reason} {advice}", mine=mine)
    return redirect(request, f"/campagnes/participations/{participation_id}")


@router.get("/campagnes/participations/{participation_id}")
async def participation_page(request: Request, participation_id: str) -> Response:
    data = session_data(request)
    participation_id = path_token(request, "participation_id")
    service = campaign_service(request)
    try:
        view = await run_in_threadpool(service.view, data.account_id, participation_id)
    except CampaignError as exc:
        return _refused(request, data, exc, "/campagnes/rejoindre", "campaign.join.title")
    shared = read_snapshot(view.participation.snapshot) if view.participation.snapshot is not None else None
    return page(request, data, "campagnes/participation.html", view=view, shared=shared,
                statuses=ParticipationStatus, referential=service.referential)


async def _participation_action(request: Request, participation_id: str, action: str) -> Response:
    data = session_data(request)
    form = await checked_form(request, data)
    participation_id = path_token(request, "participation_id")
    service = campaign_service(request)
    back = f"/campagnes/participations/{participation_id}"
    try:
        if action == "start":
            step = await run_in_threadpool(service.start, data.account_id, participation_id)
            if step.challenge is not None:
                return redirect(request, f"/evaluations/{step.assessment.id}")
        elif action == "share":
            if form.get("confirmation") != "oui":
                view = await run_in_threadpool(service.view, data.account_id, participation_id)
                return page(request, data, "campagnes/participation.html", status_code=422, view=view, shared=None,
                            statuses=ParticipationStatus, referential=service.referential,
                            error=translator(data.locale)("campaign.send.unconfirmed"))
            await run_in_threadpool(service.share, data.account_id, participation_id)
        else:
            new_id = await run_in_threadpool(service.retry, data.account_id, participation_id)
            back = f"/campagnes/participations/{new_id}"
    except CampaignError as exc:
        return _refused(request, data, exc, back, "campaign.participation.back")
    return redirect(request, back)


@router.post("/campagnes/participations/{participation_id}/commencer")
async def start(request: Request, participation_id: str) -> Response:
    return await _participation_action(request, participation_id, "start")


@router.post("/campagnes/participations/{participation_id}/envoyer")
async def share(request: Request, participation_id: str) -> Response:
    return await _participation_action(request, participation_id, "share")


@router.post("/campagnes/participations/{participation_id}/recommencer")
async def retry(request: Request, participation_id: str) -> Response:
    return await _participation_action(request, participation_id, "retry")


@router.get("/campagnes/evaluations/{assessment_id}/fin")
async def campaign_test_end(request: Request, assessment_id: str) -> Response:
    """Where a campaign test ends: back to its campaign page."""
    data = session_data(request)
    assessment_id = path_token(request, "assessment_id")
    found = await run_in_threadpool(campaign_service(request).participation_of_test, data.account_id, assessment_id)
    if found is None:
        return _refused(request, data, CampaignError(CampaignAccess.UNKNOWN_PARTICIPATION, ""),
                        "/campagnes/rejoindre", "campaign.join.title")
    return redirect(request, f"/campagnes/participations/{found}")


# --- teachers --------------------------------------------------------------------------------------------------

@router.get("/campagnes")
async def campaigns_page(request: Request) -> Response:
    data = _teacher(request)
    campaigns = await run_in_threadpool(campaign_service(request).campaigns, data.account_id)
    return page(request, data, "campagnes/liste.html", campaigns=campaigns, types=CampaignType)


def return_path(raw: object) -> str | None:
    """Where the creation page sends the teacher back (the deep-linking picker): a path of this tool only, never
    another site (`//host`, `https:`, backslashes) nor a way up (`..`); anything else is ignored."""
    if not isinstance(raw, str) or _RETURN_PATH.fullmatch(raw) is None or raw.startswith("//"):
        return None
    return None if ".." in raw.split("/") else raw


async def _creation_form(request: Request, data: SessionData, *, status_code: int = 200, error: str | None = None,
                         values: dict[str, object] | None = None, back: str | None = None) -> Response:
    service = campaign_service(request)
    choices = await run_in_threadpool(service.organisation_choices, data.account_id, data.course_id)
    referential = service.referential
    tubes = {c: [t for t in referential.tubes.values() if t.competence_code == c] for c in referential.competences}
    return page(request, data, "campagnes/nouveau.html", status_code=status_code, choices=choices,
                domains=referential.domains, tubes=tubes, levels=MAX_LEVELS, error=error, values=values or {},
                types=CampaignType, back=back)


@router.get("/campagnes/nouveau")
async def new_campaign_page(request: Request, retour: str = "") -> Response:
    return await _creation_form(request, _teacher(request), back=return_path(retour))


def _draft(form: object, tube_names: set[str]) -> CampaignDraft | str:
    """The draft from the form, or the key of the message saying what is wrong."""
    get = form.get  # type: ignore[attr-defined]
    name = get("nom")
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        return "campaign.form.name"
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in name):
        return "campaign.form.invisible"
    kind = get("type")
    if kind not in (CampaignType.ASSESSMENT, CampaignType.PROFILES_COLLECTION):
        return "campaign.form.type"
    multiple = get("envois_multiples") == "oui"
    if kind == CampaignType.PROFILES_COLLECTION:
        return CampaignDraft(name.strip(), CampaignType.PROFILES_COLLECTION, multiple_sendings=multiple)
    tubes = tuple(t for t in form.getlist("sujets") if isinstance(t, str))  # type: ignore[attr-defined]
    if not tubes:
        return "campaign.form.no_tube"
    if any(t not in tube_names for t in tubes) or len(tubes) > len(tube_names):
        return "campaign.form.unknown_tube"
    level = get("niveau_max") or ""
    if level not in {str(n) for n in MAX_LEVELS} | {""}:
        return "campaign.form.level"
    raw_badge = get("badge") or ""
    badge = params.bounded_int(raw_badge, 1, 100) if raw_badge else None
    if raw_badge and badge is None:
        return "campaign.form.badge"
    return CampaignDraft(name.strip(), CampaignType.ASSESSMENT, tubes, params.bounded_int(level, 2, 6), multiple,
                         None, badge)


@router.post("/campagnes/nouveau")
async def create_campaign(request: Request) -> Response:
    data = _teacher(request)
    form = await checked_form(request, data)
    service = campaign_service(request)
    draft = _draft(form, set(service.referential.tubes))
    organisation = form.get("organisation")
    back = return_path(form.get("retour"))
    values = {"nom": form.get("nom"), "type": form.get("type"), "sujets": set(form.getlist("sujets")),
              "organisation": organisation}
    if isinstance(draft, str):
        return await _creation_form(request, data, status_code=400, error=translator(data.locale)(draft),
                                    values=values, back=back)
    try:
        campaign = await run_in_threadpool(service.create, data.account_id, str(organisation or ""), draft)
    except CampaignError as exc:
        if exc.code == CampaignAccess.FORBIDDEN:
            return _refused(request, data, exc, "/campagnes", "campaign.mine")
        return await _creation_form(request, data, status_code=400, error=_message(data, exc.code)[1], values=values,
                                    back=back)
    return redirect(request, back or f"/campagnes/{campaign.id}")


def _group(raw: str) -> int | None:
    return params.record_id(raw)


def _campaign_id(raw: str) -> int:
    """The campaign of the path (digits only; a number beyond a database id is no campaign): else a 404."""
    value = params.record_id(raw)
    if value is None:
        raise LaunchRefused(404, "Cette page n'existe pas.", "Revenez à la liste de vos parcours.", "not_found")
    return value


@router.get("/campagnes/{campaign_id:digits}")
async def dashboard_page(request: Request, campaign_id: str, groupe: str = "", vue: str = "") -> Response:
    data = _teacher(request)
    campaign_id = _campaign_id(campaign_id)
    service = campaign_service(request)
    try:
        board = await run_in_threadpool(service.dashboard, data.account_id, campaign_id, _group(groupe))
    except CampaignError as exc:
        return _refused(request, data, exc, "/campagnes", "campaign.mine")
    t = translator(data.locale)
    heatmap = class_heatmap(board, service.config.max_reachable_level)
    if board.is_assessment:
        heatmap = replace(heatmap, title=t("campaign.heatmap.mastery"))
    else:
        heatmap = replace(heatmap, title=t("campaign.heatmap.levels"),
                          bands=tuple(t("campaign.heatmap.level", n=n) for n in range(len(heatmap.bands))))
    heatmap = replace(heatmap, competences=tuple((code, t.bank(code, name)) for code, name in heatmap.competences))
    picture = svg(heatmap, t("campaign.heatmap.sent", n=heatmap.participants))
    export = link(request, f"/campagnes/{campaign_id}/export.csv", **({"groupe": groupe} if board.selected_group
                                                                     else {}))
    return page(request, data, "campagnes/tableau.html", board=board, heatmap=picture, shade=shade,
                max_level=service.config.max_reachable_level, levels=vue == "niveaux",
                filters={"groupe": str(board.selected_group)} if board.selected_group else {},
                statuses=ParticipationStatus, export_url=export, join_url=link(
                    request, "/campagnes/rejoindre", code=board.campaign.code))


@router.get("/campagnes/{campaign_id:digits}/export.csv")
async def export_csv(request: Request, campaign_id: str, groupe: str = "") -> Response:
    data = _teacher(request)
    campaign_id = _campaign_id(campaign_id)
    try:
        campaign, body = await run_in_threadpool(campaign_service(request).export, data.account_id, campaign_id,
                                                 _group(groupe))
    except CampaignError as exc:
        return _refused(request, data, exc, "/campagnes", "campaign.mine")
    filename = f"parcours-{campaign.code}.csv"
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}",
        "cache-control": "no-store"})

