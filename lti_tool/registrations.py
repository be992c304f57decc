"""Platform registrations repository (issuer, client id, endpoints, deployments, status)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.persistence.models import Deployment, Registration


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


def _view(reg: Registration) -> RegistrationView:
    return RegistrationView(
        id=reg.id, issuer=reg.issuer, client_id=reg.client_id, auth_login_url=reg.auth_login_url,
        auth_token_url=reg.auth_token_url, keyset_url=reg.keyset_url, active=reg.active,
        deployment_ids=frozenset(d.deployment_id for d in reg.deployments),
    )


def add_registration(
    session: Session, *, issuer: str, client_id: str, auth_login_url: str, auth_token_url: str,
    keyset_url: str, deployment_ids: list[str],
) -> RegistrationView:
    """Create the registration, or update its endpoints, reactivate it and add deployments."""
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
    session.commit()
    session.refresh(reg)
    return _view(reg)


def list_registrations(session: Session) -> list[RegistrationView]:
    return [_view(r) for r in session.scalars(select(Registration).order_by(Registration.id)).unique()]


def set_status(session: Session, registration_id: int, status: str) -> RegistrationView | None:
    reg = session.get(Registration, registration_id)
    if reg is None:
        return None
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
