"""pylti1p3's ToolConf over the database, so that pylti1p3's service objects (DeepLink responses,
AGS / NRPS connectors, used by the later issues) sign with the tool's current key. Synchronous:
call it from a thread pool (starlette.concurrency.run_in_threadpool), never on the event loop."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy.orm import Session, sessionmaker

from lti_tool import keys
from lti_tool.registrations import RegistrationView, find_for_login


@lru_cache(maxsize=8)
def _public_pem(private_pem: str) -> str:
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


class DbToolConf(ToolConfAbstract):
    """Every issuer may have several client ids: lookups go through find_*_by_params."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        super().__init__()
        self._sessions = sessions

    def _find(self, iss: str, client_id: str | None) -> RegistrationView | None:
        with self._sessions() as session:
            found = [r for r in find_for_login(session, iss, client_id) if r.active]
        return found[0] if len(found) == 1 else None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        view = self._find(iss, None)
        if view is None:
            raise LookupError(f"no single active registration for {iss}")
        return self._registration(view)

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any, **kwargs: Any) -> Registration:
        view = self._find(iss, client_id)
        if view is None:
            raise LookupError(f"no active registration for {iss} / {client_id}")
        return self._registration(view)

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        view = self._find(iss, None)
        return self._deployment(view, deployment_id)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        return self._deployment(self._find(iss, client_id), deployment_id)

    @staticmethod
    def _deployment(view: RegistrationView | None, deployment_id: str) -> Deployment | None:
        if view is None or deployment_id not in view.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)

    def _registration(self, view: RegistrationView) -> Registration:
        with self._sessions() as session:
            key = keys.ensure_key(session)
        return (
            platform_registration(view)
            .set_tool_private_key(key.private_pem)
            .set_tool_public_key(_public_pem(key.private_pem))
        )


def platform_registration(view: RegistrationView) -> Registration:
    """The platform side of a registration as pylti1p3 sees it (no tool key: launches do not sign)."""
    return (
        Registration()
        .set_issuer(view.issuer)
        .set_client_id(view.client_id)
        .set_auth_login_url(view.auth_login_url)
        .set_auth_token_url(view.auth_token_url)
        .set_key_set_url(view.keyset_url)
    )
