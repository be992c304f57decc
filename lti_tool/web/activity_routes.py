"""Landing pages after a launch: the activity page and the deep-linking (selection) page."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from lti_tool.launch.errors import RELAUNCH, LaunchRefused
from lti_tool.persistence.models import Account, Activity, Course
from lti_tool.web.lti_routes import SESSION_COOKIE, tool
from lti_tool.web.pages import render
from lti_tool.web.targets import describe_target
from lti_tool.web.tokens import SessionData

router = APIRouter()
ROLE_LABELS = {"student": "élève", "teacher": "enseignant·e", "admin": "administrateur·rice"}
_NO_SESSION = LaunchRefused(
    401, "Votre session est absente ou a expiré.", RELAUNCH, "no_session"
)


def _session(request: Request) -> SessionData:
    """The cookie-less launch token (?lt=) wins: it is bound to this launch; the cookie is the fallback."""
    state = tool(request)
    max_age = state.settings.session_max_age_seconds
    data = state.codec.loads(request.query_params.get("lt"), state.settings.launch_token_max_age_seconds)
    if data is None:
        data = state.codec.loads(request.cookies.get(SESSION_COOKIE), max_age)
    if data is None:
        raise _NO_SESSION
    return data


def _person(account: Account) -> str:
    if account.name:
        return account.name
    full = " ".join(p for p in (account.given_name, account.family_name) if p)
    return full or "(nom non transmis par la plateforme)"


@router.get("/activites/{activity_id}")
async def activity_page(request: Request, activity_id: int) -> Response:
    data = _session(request)
    if data.activity_id != activity_id:
        raise LaunchRefused(403, "Votre session ne donne pas accès à cette activité.", RELAUNCH, "wrong_activity")
    state = tool(request)

    def load() -> tuple[Account | None, Activity | None, Course | None]:
        with state.sessions() as session:
            activity = session.get(Activity, activity_id)
            course = session.get(Course, activity.course_id) if activity and activity.course_id else None
            return session.get(Account, data.account_id), activity, course

    account, activity, course = await run_in_threadpool(load)
    if account is None or activity is None:
        raise LaunchRefused(404, "Cette activité n'existe plus.", RELAUNCH, "activity_gone")
    return render(
        request, "activite.html", person=_person(account), role_label=ROLE_LABELS.get(data.role, data.role),
        activity=activity, course=course, target=describe_target(activity.custom or {}),
    )


@router.get("/lti/selection/{launch_id}")
async def deep_linking_page(request: Request, launch_id: str) -> Response:
    data = _session(request)
    if data.launch_id != launch_id:
        raise LaunchRefused(403, "Votre session ne correspond pas à ce lancement.", RELAUNCH, "wrong_launch")
    raw = await tool(request).store.get(f"launch:{launch_id}")
    if raw is None:
        raise LaunchRefused(410, "Ce lancement de sélection a expiré.", RELAUNCH, "launch_expired")
    launch = json.loads(raw)
    return render(request, "deep_linking.html", course_title=launch.get("context_title"))
