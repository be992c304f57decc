"""A learner's "Relier mes comptes" pages, behind either door's session.

- `GET /compte/liaison`: whether the account is linked, and the ways to link it.
- `POST /compte/liaison/ent` (from an LTI session): a one-time ticket and a link opening the GAR login in a new
  window; the GAR door confirms the link after the SAML login (`ent_gar_connector.link_routes`).
- `POST /compte/liaison/code`: a 10-character code, valid 15 minutes, to type on the other side.
- `POST /compte/liaison/saisie`: the code typed; 5 wrong codes in 15 minutes and typing waits.
Every POST carries the session's CSRF token. Only learners link accounts (not teachers)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from core.accounts import Account
from core.links import linked_account_ids
from core.schools import GAR_ISSUER
from linking import codes
from linking.use_cases import LEARNER_ROLES, LinkError, LinkRefusal, link_accounts
from web.auth import checked_form, session_data
from web.errors import LaunchRefused
from web.i18n import translator
from web.state import tool
from web.student_routes import learning, page
from web.tokens import SessionData

router = APIRouter()
GAR_PREFIX = "gar:"


def _learner(request: Request) -> SessionData:
    data = session_data(request)
    if data.role not in LEARNER_ROLES:
        raise LaunchRefused(403, "Seuls les élèves relient leurs comptes.", "Revenez à la page précédente.",
                            "link_learners_only")
    return data


def _linked_doors(request: Request, account_id: int) -> list[str]:
    """The other accounts of this learner, as "ENT (GAR)" or the platform's address."""
    with tool(request).sessions() as session:
        others = linked_account_ids(session, account_id) - {account_id}
        issuers = session.scalars(select(Account.issuer).where(Account.id.in_(sorted(others)))).all()
    return sorted("ENT (GAR)" if issuer == GAR_ISSUER else issuer for issuer in issuers)


async def _page(request: Request, data: SessionData, status_code: int = 200, **context: Any) -> Response:
    linked = await run_in_threadpool(_linked_doors, request, data.account_id)
    return page(request, data, "eleve/liaison.html", status_code=status_code, linked=linked,
                from_gar=data.launch_id.startswith(GAR_PREFIX), **context)


@router.get("/compte/liaison")
async def link_page(request: Request) -> Response:
    return await _page(request, _learner(request))


@router.post("/compte/liaison/ent")
async def start_gar_link(request: Request) -> Response:
    """From an LTI session: a ticket for the GAR login opened in a new window."""
    data = _learner(request)
    await checked_form(request, data)
    if data.launch_id.startswith(GAR_PREFIX):
        return await _page(request, data, 409, message=translator(data.locale)("link.already_gar"))
    ticket = await codes.issue(tool(request).store, data.account_id, "gar-login")
    gar_login = "/gar/login?RelayState=" + quote(f"/gar/liaison/{ticket}", safe="")
    return await _page(request, data, gar_login=gar_login)


@router.post("/compte/liaison/code")
async def show_code(request: Request) -> Response:
    data = _learner(request)
    await checked_form(request, data)
    code = await codes.issue(tool(request).store, data.account_id, "code")
    return await _page(request, data, code=codes.display(code), minutes=codes.CODE_TTL_SECONDS // 60)


@router.post("/compte/liaison/saisie")
async def type_code(request: Request) -> Response:
    data = _learner(request)
    form = await checked_form(request, data)
    t, store = translator(data.locale), tool(request).store
    if not await codes.may_try(store, data.account_id):
        return await _page(request, data, 429, message=t("link.too_many"))
    typed = codes.normalise(str(form.get("code") or ""))
    issued = await codes.redeem(store, typed) if typed else None
    if issued is None or issued.kind != "code":
        await codes.count_wrong(store, data.account_id)
        return await _page(request, data, 400, message=t("link.wrong_code"))
    return await confirm_link(request, data, issued.account_id, "code")


async def confirm_link(request: Request, data: SessionData, other_account_id: int, method: str) -> Response:
    """Link the session's account with the one that issued the code or ticket; the page says what happened."""
    state, t = tool(request), translator(data.locale)
    referential = learning(request).referential

    def work() -> None:
        with state.sessions.begin() as session:
            link_accounts(session, referential, data.account_id, other_account_id, method=method,
                          actor=f"learner:account:{data.account_id}", now=datetime.now(UTC))

    try:
        await run_in_threadpool(work)
    except LinkError as error:
        return await _page(request, data, 409, message=t(f"link.refused.{error.code}"))
    except IntegrityError:  # the same link confirmed twice at once: the other request made it
        return await _page(request, data, 409, message=t(f"link.refused.{LinkRefusal.ALREADY_LINKED}"))
    return await _page(request, data, done=True)
