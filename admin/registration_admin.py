"""Administrative operations on platform registrations, each audited in the same transaction.
Shared by the admin web area and the CLI."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from lti_tool import registrations as repo
from lti_tool.registrations import RegistrationView


class AdminError(ValueError):
    """A French message for the administrator (the CLI prints it); nothing was changed. `code` and `values` let a
    page word it in its own language (`admin.error.<code>` in web/locales; `field`: `admin.field.<field>`)."""

    def __init__(self, message: str, code: str = "", **values: object) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


def check_endpoint(url: str, what: str, field: str = "") -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AdminError(f"{what} : une adresse absolue est attendue (https://...).", "not_absolute",
                         what=what, field=field)
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise AdminError(f"{what} : HTTPS est obligatoire (HTTP seulement sur localhost).", "https_required",
                         what=what, field=field)
    return url


def _text(value: str, what: str, field: str, max_len: int = 255) -> str:
    value = (value or "").strip()
    if not value:
        raise AdminError(f"{what} : valeur obligatoire.", "required", what=what, field=field)
    if len(value) > max_len:
        raise AdminError(f"{what} : {max_len} caractères au plus.", "too_long", what=what, field=field,
                         max=max_len)
    return value


def _found(view: RegistrationView | None | bool, registration_id: int) -> None:
    if view is None or view is False:
        raise AdminError(f"Aucune plateforme n° {registration_id}.", "no_registration", id=registration_id)


def _fields(client_id: str, auth_login_url: str, auth_token_url: str, keyset_url: str) -> dict[str, str]:
    return dict(client_id=_text(client_id, "Identifiant client", "client_id"),
                auth_login_url=check_endpoint(auth_login_url, "Adresse d'authentification", "auth_login_url"),
                auth_token_url=check_endpoint(auth_token_url, "Adresse des jetons", "auth_token_url"),
                keyset_url=check_endpoint(keyset_url, "Clés publiques (JWKS)", "keyset_url"))


def add(session: Session, actor: str, *, issuer: str, client_id: str, auth_login_url: str, auth_token_url: str,
        keyset_url: str, deployment_ids: list[str]) -> RegistrationView:
    issuer = check_endpoint(issuer, "Émetteur (issuer)", "issuer")
    fields = _fields(client_id, auth_login_url, auth_token_url, keyset_url)
    deps = [_text(d, "Déploiement", "deployment") for d in deployment_ids if d.strip()]
    view = repo.add_registration(session, issuer=issuer, deployment_ids=deps, commit=False, **fields)
    audit.record(session, actor, "registration.add", f"registration:{view.id}", issuer=issuer, deployments=deps,
                 **fields)
    session.commit()
    return view


def edit(session: Session, actor: str, registration_id: int, *, client_id: str, auth_login_url: str,
         auth_token_url: str, keyset_url: str) -> RegistrationView:
    before = repo.get_registration(session, registration_id)
    _found(before, registration_id)
    fields = _fields(client_id, auth_login_url, auth_token_url, keyset_url)
    try:
        view = repo.update_registration(session, registration_id, **fields)
        assert before is not None and view is not None
        changes = {k: [getattr(before, k), v] for k, v in fields.items() if getattr(before, k) != v}
        audit.record(session, actor, "registration.edit", f"registration:{registration_id}", changes=changes)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise AdminError("Une autre plateforme a déjà cet émetteur et cet identifiant client.", "duplicate") from exc
    return view


def set_enabled(session: Session, actor: str, registration_id: int, enabled: bool) -> RegistrationView:
    view = repo.get_registration(session, registration_id)
    _found(view, registration_id)
    audit.record(session, actor, "registration.enable" if enabled else "registration.disable",
                 f"registration:{registration_id}")
    view = repo.set_status(session, registration_id, "active" if enabled else "disabled")  # commits both
    assert view is not None
    return view


def delete_if_unused(session: Session, actor: str, registration_id: int) -> RegistrationView:
    view = repo.get_registration(session, registration_id)
    _found(view, registration_id)
    assert view is not None
    used = repo.registration_usage(session, registration_id)
    if used:
        raise AdminError(f"Cette plateforme a déjà servi ({used} compte(s), cours ou activité(s)) : elle ne peut pas "
                         "être supprimée. Désactivez-la plutôt.", "used", n=used)
    repo.delete_registration(session, registration_id)
    audit.record(session, actor, "registration.delete", f"registration:{registration_id}", issuer=view.issuer,
                 client_id=view.client_id, deployments=sorted(view.deployment_ids))
    session.commit()
    return view


def add_deployment(session: Session, actor: str, registration_id: int, deployment_id: str) -> RegistrationView:
    deployment_id = _text(deployment_id, "Déploiement", "deployment")
    _found(repo.get_registration(session, registration_id), registration_id)
    if not repo.add_deployment(session, registration_id, deployment_id):
        raise AdminError(f"Le déploiement « {deployment_id} » est déjà enregistré.", "deployment_exists",
                         deployment=deployment_id)
    audit.record(session, actor, "deployment.add", f"registration:{registration_id}", deployment_id=deployment_id)
    session.commit()
    view = repo.get_registration(session, registration_id)
    assert view is not None
    return view


def remove_deployment(session: Session, actor: str, registration_id: int, deployment_id: str) -> RegistrationView:
    view = repo.get_registration(session, registration_id)
    _found(view, registration_id)
    assert view is not None
    if deployment_id not in view.deployment_ids:
        raise AdminError(f"Le déploiement « {deployment_id} » n'existe pas pour cette plateforme.",
                         "deployment_unknown", deployment=deployment_id)
    if repo.deployment_usage(session, view.issuer, {deployment_id}):
        raise AdminError(f"Le déploiement « {deployment_id} » a déjà servi (cours ou activités) : il est conservé.",
                         "deployment_used", deployment=deployment_id)
    repo.remove_deployment(session, registration_id, deployment_id)
    audit.record(session, actor, "deployment.remove", f"registration:{registration_id}", deployment_id=deployment_id)
    session.commit()
    view = repo.get_registration(session, registration_id)
    assert view is not None
    return view
