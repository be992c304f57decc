"""Landing pages after a launch: the activity page (routed by its custom parameters). The deep-linking
(selection) page is in `deep_linking_routes`.

An activity's custom parameters choose where a student lands: `competence=1.1` -> that competence test
(a start page, then the test; its end page once completed); `profile` or no target -> the profile;
`campaign=CODE` -> that campaign's join page (`/campagnes/rejoindre?code=`); `quicktest` -> the test without
an account (`/essai`, nothing stored). Teachers get a teacher view and
never a test unless they choose to try it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from campaigns.models import CampaignRow
from core.accounts import Account
from core.courses import Activity, Course
from engine.campaigns.code import normalise_code
from engine.scoring import ScorecardStatus
from web import params
from web.auth import link, session_data
from web.errors import RELAUNCH, LaunchRefused
from web.i18n import translator
from web.state import ToolState, tool
from web.student_routes import card_view, learning, page, profile_response, redirect
from web.targets import describe_target, role_label

router = APIRouter()
_session = session_data  # kept for the modules importing it from here


def _person(account: Account, locale: str = "fr") -> str:
    if account.name:
        return account.name
    full = " ".join(p for p in (account.given_name, account.family_name) if p)
    return full or translator(locale)("teacher.name_missing")


def _campaign_of(state: ToolState, custom: dict[str, str]) -> CampaignRow | None:
    """The campaign a campaign activity names (by its code), for the teacher view; None if none or unknown."""
    code = custom.get("campaign", "").strip()
    if not code:
        return None
    with state.sessions() as session:
        return session.scalar(select(CampaignRow).where(CampaignRow.code == normalise_code(code)))


@router.get("/activites/{activity_id}")
async def activity_page(request: Request, activity_id: str) -> Response:
    parsed = params.record_id(activity_id)
    if parsed is None:
        raise LaunchRefused(400, "Cette adresse d'activité est invalide.", RELAUNCH, "bad_activity")
    data = session_data(request)
    if data.activity_id != parsed:
        raise LaunchRefused(403, "Votre session ne donne pas accès à cette activité.", RELAUNCH, "wrong_activity")
    state = tool(request)

    def load() -> tuple[Account | None, Activity | None, Course | None]:
        with state.sessions() as session:
            activity = session.get(Activity, data.activity_id)
            course = session.get(Course, activity.course_id) if activity and activity.course_id else None
            return session.get(Account, data.account_id), activity, course

    account, activity, course = await run_in_threadpool(load)
    if account is None or activity is None:
        raise LaunchRefused(404, "Cette activité n'existe plus.", RELAUNCH, "activity_gone")
    custom = {str(k): str(v) for k, v in (activity.custom or {}).items()}
    if custom.get("quicktest", "").strip():  # "Essayez sans inscription": the same public test for every role
        return RedirectResponse("/essai?lang=" + data.locale, status_code=303)
    service = learning(request)
    code = custom.get("competence", "").strip()
    competence = service.referential.competences.get(code) if code else None
    context = dict(person=_person(account, data.locale), role_label=role_label(data.role, data.locale),
                   activity=activity, course=course, target=describe_target(custom, data.locale))
    if data.role != "student":
        campaign = await run_in_threadpool(_campaign_of, state, custom)
        return page(request, data, "eleve/enseignant.html", competence=competence.code if competence else None,
                    campaign=campaign, **context)
    t = translator(data.locale)
    if code and competence is None:
        return page(request, data, "eleve/refus.html", status_code=422,
                    reason=t("activity.misconfigured", target=describe_target(custom, data.locale)),
                    advice=t("activity.misconfigured.advice"),
                    code="bad_competence",
                    back=link(request, "/profil"), back_label=t("nav.profile"))
    if competence is not None:
        profile = await run_in_threadpool(service.profile, data.account_id)
        card = profile.scorecard(competence.code)
        if card.status is ScorecardStatus.COMPLETED:
            last = await run_in_threadpool(service.last_test, data.account_id, competence.code)
            if last is not None:
                return redirect(request, f"/evaluations/{last}/fin")
        return page(request, data, "eleve/activite.html", competence=competence, cv=card_view(
            translator(data.locale), card), **context)
    if campaign := custom.get("campaign", "").strip():
        return redirect(request, "/campagnes/rejoindre", code=campaign)
    return await profile_response(request, data, **context)
