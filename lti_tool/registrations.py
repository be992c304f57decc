"""Platform registrations repository (issuer, client id, endpoints, deployments, status)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.models import Deployment, Registration


@dataclass(frozen=True)
class RegistrationView:
    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    keyset_url: str
    active: bool
    deployment_ids: frozenset[str]
    session_generation: int = 0


def _view(reg: Registration) -> RegistrationView:
    return RegistrationView(
        id=reg.id, issuer=reg.issuer, client_id=reg.client_id, auth_login_url=reg.auth_login_url,
        auth_token_url=reg.auth_token_url, keyset_url=reg.keyset_url, active=reg.active,
        deployment_ids=frozenset(d.deployment_id for d in reg.deployments),
        session_generation=reg.session_generation or 0,
    )


def add_registration(
    session: Session, *, issuer: str, client_id: str, auth_login_url: str, auth_token_url: str,
    keyset_url: str, deployment_ids: list[str], commit: bool = True,
) -> RegistrationView:
    """Create the registration, or update its endpoints, reactivate it and add deployments.
    With ``commit=False`` the caller commits (to write more in the same transaction)."""
    reg = session.scalars(
        select(Registration).where(Registration.issuer == issuer, Registration.client_id == client_id)
    ).unique().first()
    if reg is None:
        reg = Registration(issuer=issuer, client_id=client_id, status="active")
        session.add(reg)
    reg.auth_login_url, reg.auth_token_url, reg.keyset_url = auth_login_url, auth_token_url, keyset_url
    reg.status = "active"
    known = {d.deployment_id for d in reg.deployments}
    for dep in deployment_ids:
        if dep not in known:
            reg.deployments.append(Deployment(deployment_id=dep))
            known.add(dep)
    if not commit:
        session.flush()
        return _view(reg)
    session.commit()
    session.refresh(reg)
    return _view(reg)


def list_registrations(session: Session) -> list[RegistrationView]:
    return [_view(r) for r in session.scalars(select(Registration).order_by(Registration.id)).unique()]


def set_status(session: Session, registration_id: int, status: str) -> RegistrationView | None:
    """Enable or disable. Disabling also ends the platform's open sessions: their tokens carry the previous
    session generation (`web.auth.session_data` refuses them); enabling again does not revive them."""
    reg = session.get(Registration, registration_id)
    if reg is None:
        return None
    if status != "active" and reg.status == "active":
        reg.session_generation = (reg.session_generation or 0) + 1
    reg.status = status
    session.commit()
    return _view(reg)


def find_for_login(session: Session, issuer: str, client_id: str | None) -> list[RegistrationView]:
    stmt = select(Registration).where(Registration.issuer == issuer)
    if client_id:
        stmt = stmt.where(Registration.client_id == client_id)
    return [_view(r) for r in session.scalars(stmt).unique()]


def get_registration(session: Session, registration_id: int) -> RegistrationView | None:
    reg = session.get(Registration, registration_id)
    return _view(reg) if reg else None


# --- administration (the caller commits, so that its audit entry is in the same transaction) -----------------

def _loaded(session: Session, registration_id: int) -> Registration | None:
    return session.get(Registration, registration_id)


def update_registration(session: Session, registration_id: int, *, client_id: str, auth_login_url: str,
                        auth_token_url: str, keyset_url: str) -> RegistrationView | None:
    reg = _loaded(session, registration_id)
    if reg is None:
        return None
    reg.client_id, reg.auth_login_url = client_id, auth_login_url
    reg.auth_token_url, reg.keyset_url = auth_token_url, keyset_url
    session.flush()
    return _view(reg)


def deployment_usage(session: Session, issuer: str, deployment_ids: set[str]) -> int:
    """Courses and activities launched through these deployments of this issuer."""
    from sqlalchemy import func

    from core.courses import Activity, Course

    if not deployment_ids:
        return 0
    return sum(
        session.scalar(select(func.count()).select_from(model).where(
            model.issuer == issuer, model.deployment_id.in_(deployment_ids))) or 0
        for model in (Course, Activity)
    )


def registration_usage(session: Session, registration_id: int) -> int:
    """What launched through this registration: courses, activities, and the accounts of its issuer when no
    other registration shares that issuer. 0 = unused (it may be deleted)."""
    from sqlalchemy import func

    from core.accounts import Account

    reg = _loaded(session, registration_id)
    if reg is None:
        return 0
    used = deployment_usage(session, reg.issuer, {d.deployment_id for d in reg.deployments})
    others = session.scalar(select(func.count()).select_from(Registration).where(
        Registration.issuer == reg.issuer, Registration.id != reg.id)) or 0
    if not others:
        used += session.scalar(select(func.count()).select_from(Account).where(Account.issuer == reg.issuer)) or 0
    return used


def delete_registration(session: Session, registration_id: int) -> bool:
    reg = _loaded(session, registration_id)
    if reg is None:
        return False
    session.delete(reg)
    session.flush()
    return True


def add_deployment(session: Session, registration_id: int, deployment_id: str) -> bool:
    """False when it was already there."""
    reg = _loaded(session, registration_id)
    if reg is None or deployment_id in {d.deployment_id for d in reg.deployments}:
        return False
    reg.deployments.append(Deployment(deployment_id=deployment_id))
    session.flush()
    return True


def remove_deployment(session: Session, registration_id: int, deployment_id: str) -> bool:
    reg = _loaded(session, registration_id)
    if reg is None:
        return False
    for dep in list(reg.deployments):
        if dep.deployment_id == deployment_id:
            reg.deployments.remove(dep)
            session.flush()
            return True
    return False


def framing_urls(session: Session) -> list[str]:
    """The issuers and login URLs of the active registrations: the origins allowed to frame the tool."""
    return [url for view in list_registrations(session) if view.active for url in (view.issuer, view.auth_login_url)]
