"""OIDC third-party login initiation: check the parameters and pick the registration (French refusals)."""

from __future__ import annotations

from lti_tool.registrations import RegistrationView
from web.errors import ASK_ADMIN, LaunchRefused


def login_param(params: dict[str, str], name: str) -> str | None:
    """A login parameter, trimmed; None when absent or blank."""
    value = params.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def check_login_params(params: dict[str, str]) -> tuple[str, str | None, str, str]:
    """(iss, client_id, login_hint, target_link_uri) or a refusal."""
    iss, login_hint = login_param(params, "iss"), login_param(params, "login_hint")
    target = login_param(params, "target_link_uri")
    missing = [n for n, v in (("iss", iss), ("login_hint", login_hint), ("target_link_uri", target)) if not v]
    if missing:
        raise LaunchRefused(
            400, f"La demande de connexion LTI est incomplète (manque : {', '.join(missing)}).",
            "Lancez l'activité depuis votre plateforme (Moodle, ENT...) et non par un lien direct.", "login_incomplete",
        )
    assert iss and login_hint and target
    return iss, login_param(params, "client_id"), login_hint, target


def choose_registration(
    candidates: list[RegistrationView], iss: str, client_id: str | None, deployment_id: str | None
) -> RegistrationView:
    if not candidates:
        raise LaunchRefused(
            403, f"Cette plateforme ({iss}) n'est pas enregistrée auprès de l'outil.",
            "Demandez à l'administrateur de l'outil d'enregistrer la plateforme (pix-lti registration add).",
            "unknown_platform",
        )
    if client_id is None and len(candidates) > 1:
        with_deployment = [c for c in candidates if deployment_id and deployment_id in c.deployment_ids]
        if len(with_deployment) != 1:
            raise LaunchRefused(
                400, "La plateforme n'a pas indiqué son identifiant client (client_id) et plusieurs "
                "enregistrements correspondent.", ASK_ADMIN, "ambiguous_client",
            )
        candidates = with_deployment
    registration = candidates[0]
    if not registration.active:
        raise LaunchRefused(
            403, "L'enregistrement de cette plateforme est désactivé.",
            "L'administrateur de l'outil doit le réactiver avant tout nouveau lancement.", "registration_disabled",
        )
    if deployment_id and deployment_id not in registration.deployment_ids:
        raise LaunchRefused(
            403, f"Ce déploiement ({deployment_id}) n'est pas connu de l'outil.",
            "Demandez à l'administrateur de l'outil d'ajouter ce déploiement à l'enregistrement.",
            "unknown_deployment",
        )
    return registration
