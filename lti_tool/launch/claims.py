"""Checks of a verified id_token's claims that pylti1p3 does not make, and their reduction to a
`LaunchMessage`. Every refusal is a `LaunchRefused` with a stable code and a French reason."""

from __future__ import annotations

import secrets
import time
from typing import Any

from engine.text import clean_name, clean_text, storable_identifier
from lti_tool.launch.claim_allowlist import kept_claims
from lti_tool.launch.message import LaunchMessage
from lti_tool.launch.roles import map_roles
from lti_tool.registrations import RegistrationView
from web.errors import ASK_ADMIN, LaunchRefused, bad_token

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
SUPPORTED_MESSAGES = (RESOURCE_LINK, DEEP_LINKING)
# the columns' lengths: names and labels 255, titles 512, identifiers 255 (see lti_tool.models)
NAME_LENGTH, TITLE_LENGTH, IDENTIFIER_LENGTH = 255, 512, 255
DESCRIPTION_LENGTH, CUSTOM_LENGTH, CUSTOM_ENTRIES = 4000, 1000, 64
_IDENTIFIERS = {"sub": "la personne (sub)", "deployment_id": "le déploiement (deployment_id)",
                "context.id": "le cours (context.id)", "resource_link.id": "le lien d'activité (resource_link.id)"}


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def lti_object(claims: dict[str, Any], name: str) -> dict[str, Any]:
    value = claims.get(LTI + name)
    return value if isinstance(value, dict) else {}


def check_audience(claims: dict[str, Any], client_id: str) -> None:
    """client_id ∈ aud (checked by the JWT library); with several audiences azp must be the tool."""
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != client_id:
        raise bad_token("Le jeton a plusieurs destinataires et « azp » ne désigne pas l'outil.", "bad_azp")
    if "azp" in claims and claims["azp"] != client_id:
        raise bad_token("Le jeton est destiné à un autre outil (azp).", "bad_azp")


def check_times(claims: dict[str, Any], leeway: int, now: float | None = None) -> None:
    now = time.time() if now is None else now
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int | float) or isinstance(iat, bool) or not isinstance(exp, int | float):
        raise bad_token("Les dates du jeton (iat, exp) sont absentes ou invalides.", "bad_timestamps")
    if iat > now + leeway:
        raise bad_token("Le jeton est daté du futur (vérifiez l'horloge de la plateforme).", "iat_in_future")
    if exp < iat:
        raise bad_token("Le jeton expire avant d'avoir été émis.", "bad_timestamps")


def check_message(claims: dict[str, Any]) -> str:
    """Version, message type, sub, roles, and what each supported message type requires."""
    if claims.get(LTI + "version") != "1.3.0":
        raise bad_token("Version LTI absente ou non prise en charge (1.3.0 attendue).", "bad_version")
    message_type = claims.get(LTI + "message_type")
    if message_type not in SUPPORTED_MESSAGES:
        raise bad_token("Type de message LTI absent ou non pris en charge.", "bad_message_type")
    if text(claims.get("sub")) is None:
        raise bad_token("Le jeton n'identifie pas la personne (sub absent).", "no_sub")
    if not isinstance(claims.get(LTI + "roles"), list):
        raise bad_token("Le jeton ne contient pas la liste des rôles (roles).", "no_roles")
    if message_type == RESOURCE_LINK:
        if text(lti_object(claims, "resource_link").get("id")) is None:
            raise bad_token("Le lien de ressource n'a pas d'identifiant (resource_link.id).", "no_resource_link")
        if text(claims.get(LTI + "target_link_uri")) is None:
            raise bad_token("Le jeton n'indique pas l'adresse cible (target_link_uri).", "no_target_link_uri")
    else:
        settings = claims.get(DL + "deep_linking_settings")
        if not isinstance(settings, dict) or text(settings.get("deep_link_return_url")) is None:
            raise bad_token("Réglages de sélection de contenu absents (deep_linking_settings).", "no_dl_settings")
    return str(message_type)


def deployment_of(claims: dict[str, Any]) -> str:
    deployment_id = text(claims.get(LTI + "deployment_id"))
    if deployment_id is None:
        raise bad_token("Le jeton n'indique pas de déploiement (deployment_id).", "no_deployment")
    return deployment_id


def _identifier(value: str | None, what: str) -> str | None:
    """An identifier kept exactly as sent, or a refusal when it cannot be stored (never its value in the reason)."""
    if value is not None and not storable_identifier(value, IDENTIFIER_LENGTH):
        raise LaunchRefused(400, f"L'identifiant envoyé pour {_IDENTIFIERS[what]} ne peut pas être enregistré "
                            f"(plus de {IDENTIFIER_LENGTH} caractères, ou caractères de contrôle).", ASK_ADMIN,
                            "unstorable_identifier")
    return value


def _custom(claims: dict[str, Any]) -> dict[str, str]:
    """Custom parameters as text, cleaned and cut; entries with an empty or unusable key are left out."""
    custom: dict[str, str] = {}
    for key, value in list(lti_object(claims, "custom").items())[:CUSTOM_ENTRIES]:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            continue
        name, cleaned = clean_name(str(key), 255), clean_text(str(value), CUSTOM_LENGTH)
        if name is not None:
            custom[name] = cleaned or ""
    return custom


def to_message(claims: dict[str, Any], registration: RegistrationView) -> LaunchMessage:
    """The validated launch, reduced to what the tool keeps (never the email). Display fields are cleaned and cut
    to their columns (`engine.text`); identifiers that cannot be stored as sent are refused."""
    message_type = str(claims[LTI + "message_type"])
    link = lti_object(claims, "resource_link")
    context = lti_object(claims, "context")
    settings = claims.get(DL + "deep_linking_settings")
    return_url = text(settings.get("deep_link_return_url")) if isinstance(settings, dict) else None
    return LaunchMessage(
        launch_id=secrets.token_urlsafe(18), registration_id=registration.id, issuer=registration.issuer,
        client_id=registration.client_id, deployment_id=str(_identifier(deployment_of(claims), "deployment_id")),
        message_type=message_type, sub=str(_identifier(str(claims["sub"]), "sub")),
        role=map_roles([r for r in claims[LTI + "roles"] if isinstance(r, str)]),
        name=clean_name(claims.get("name"), NAME_LENGTH), given_name=clean_name(claims.get("given_name"), NAME_LENGTH),
        family_name=clean_name(claims.get("family_name"), NAME_LENGTH),
        context_id=_identifier(text(context.get("id")), "context.id"),
        context_label=clean_name(context.get("label"), NAME_LENGTH),
        context_title=clean_name(context.get("title"), TITLE_LENGTH),
        resource_link_id=_identifier(text(link.get("id")), "resource_link.id"),
        resource_link_title=clean_name(link.get("title"), TITLE_LENGTH),
        resource_link_description=clean_text(link.get("description"), DESCRIPTION_LENGTH),
        custom=_custom(claims), deep_link_return_url=return_url if message_type == DEEP_LINKING else None,
        claims=kept_claims(claims),
    )
