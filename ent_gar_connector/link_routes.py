"""The GAR side of "Relier mon compte ENT": the learner, in the window opened from their LTI course, signed in
through the GAR (SP-initiated login whose RelayState is `/gar/liaison/<ticket>`), sees which platform account the
link is for and confirms it. The ticket (`linking.codes`) is used once; a learner who did not ask for it
(someone sent them the address) sees whose account it is and can refuse by not confirming."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from core.accounts import Account
from ent_gar_connector.saml_sp import RETRY
from linking import codes
from web import params
from web.auth import checked_form, session_data
from web.errors import LaunchRefused
from web.i18n import translator
from web.link_routes import confirm_link
from web.state import tool
from web.student_routes import page
from web.tokens import SessionData

router = APIRouter()


def _ticket(request: Request) -> str:
    value = params.token(request.path_params.get("ticket"))
    if value is None:
        raise LaunchRefused(404, "Ce lien de liaison n'existe pas.", "Recommencez depuis votre cours.", "not_found")
    return value


def _gar_learner(request: Request) -> SessionData:
    data = session_data(request)
    if not data.launch_id.startswith("gar:") or data.role != "student":
        raise LaunchRefused(403, "Cette page est réservée aux élèves connectés par le médiacentre (GAR).", RETRY,
                            "students_only")
    return data


def _platform_account(request: Request, account_id: int) -> tuple[str, str] | None:
    with tool(request).sessions() as session:
        account = session.get(Account, account_id)
        if account is None:
            return None
        person = " ".join(p for p in (account.given_name, account.family_name) if p) or account.name or "—"
        return person, account.issuer


@router.get("/gar/liaison/{ticket}")
async def confirm_page(request: Request) -> Response:
    data, ticket = _gar_learner(request), _ticket(request)
    issued = await codes.peek(tool(request).store, ticket)
    who = await run_in_threadpool(_platform_account, request, issued.account_id) if issued else None
    if issued is None or issued.kind != "gar-login" or who is None:
        return page(request, data, "eleve/liaison_ent.html", status_code=404,
                    message=translator(data.locale)("link.confirm_expired"))
    return page(request, data, "eleve/liaison_ent.html", person=who[0], platform=who[1], ticket=ticket)


@router.post("/gar/liaison/{ticket}")
async def confirm(request: Request) -> Response:
    data, ticket = _gar_learner(request), _ticket(request)
    await checked_form(request, data)
    issued = await codes.redeem(tool(request).store, ticket)
    if issued is None or issued.kind != "gar-login":
        return page(request, data, "eleve/liaison_ent.html", status_code=404,
                    message=translator(data.locale)("link.confirm_expired"))
    return await confirm_link(request, data, issued.account_id, "gar-login")
