"""id_token validation, done here with python-jose because pylti1p3 is weak on every point of lti.md:
RS256 only, kid required, aud/azp, exp+iat required with leeway, iat not in the future,
single-use state (GETDEL) and nonce (SET NX), deployment known, registration active."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from jose import JWTError, jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError

from lti_tool.launch.errors import ASK_ADMIN, RELAUNCH, LaunchRefused, bad_token
from lti_tool.launch.jwks_cache import JwksCache
from lti_tool.launch.message import LaunchMessage
from lti_tool.launch.roles import map_roles
from lti_tool.registrations import RegistrationView
from lti_tool.store.base import ShortLivedStore

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"

RegistrationLoader = Callable[[int], Awaitable[RegistrationView | None]]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _obj(claims: dict[str, Any], name: str) -> dict[str, Any]:
    value = claims.get(LTI + name)
    return value if isinstance(value, dict) else {}


class LaunchValidator:
    def __init__(self, store: ShortLivedStore, jwks: JwksCache, load_registration: RegistrationLoader,
                 leeway_seconds: int, nonce_ttl_seconds: int) -> None:
        self._store = store
        self._jwks = jwks
        self._load_registration = load_registration
        self._leeway = leeway_seconds
        self._nonce_ttl = nonce_ttl_seconds

    async def _take_state(self, state: str | None, state_cookie: str | None) -> dict[str, Any]:
        if not state:
            raise LaunchRefused(400, "Le lancement ne contient pas de paramètre « state ».", RELAUNCH, "no_state")
        if state_cookie is not None and not secrets.compare_digest(state_cookie, state):
            raise LaunchRefused(
                400, "Ce lancement ne correspond pas à la connexion commencée dans ce navigateur.", RELAUNCH,
                "state_mismatch",
            )
        raw = await self._store.pop(f"state:{state}")
        if raw is None:
            raise LaunchRefused(
                400, "Ce lancement a expiré ou a déjà été utilisé.", RELAUNCH, "state_unknown_or_used",
            )
        return json.loads(raw)

    async def validate(self, id_token: str | None, state: str | None, state_cookie: str | None) -> LaunchMessage:
        record = await self._take_state(state, state_cookie)
        if not id_token:
            raise bad_token("Le lancement ne contient pas de jeton d'identité (id_token).", "no_id_token")
        try:
            header = jwt.get_unverified_header(id_token)
        except JWTError as exc:
            raise bad_token("Le jeton d'identité est illisible (JWT malformé).", "malformed_jwt") from exc
        if header.get("alg") != "RS256":
            raise bad_token(
                f"Algorithme de signature refusé ({header.get('alg')!s}) : seul RS256 est accepté.", "bad_alg"
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise bad_token("Le jeton ne désigne pas la clé qui l'a signé (kid absent).", "no_kid")

        registration = await self._load_registration(int(record["registration_id"]))
        if registration is None:
            raise LaunchRefused(403, "La plateforme n'est plus enregistrée.", ASK_ADMIN, "unknown_platform")
        if not registration.active:
            raise LaunchRefused(
                403, "L'enregistrement de cette plateforme est désactivé.",
                "L'administrateur de l'outil doit le réactiver avant tout nouveau lancement.", "registration_disabled",
            )
        key = await self._jwks.key_for(registration.keyset_url, kid)
        if key is None:
            raise bad_token("Le jeton est signé par une clé inconnue de la plateforme (kid).", "unknown_kid")
        claims = self._decode(id_token, key, registration)
        self._check_times(claims)
        if claims.get("nonce") != record.get("nonce"):
            raise LaunchRefused(400, "Le jeton ne correspond pas à cette connexion (nonce).", RELAUNCH, "bad_nonce")
        message = self._message(claims, registration)
        if not await self._store.set_nx(f"nonce:{registration.issuer}:{claims['nonce']}", "1", self._nonce_ttl):
            raise LaunchRefused(400, "Ce jeton a déjà été utilisé (rejeu refusé).", RELAUNCH, "nonce_replayed")
        return message

    def _decode(self, id_token: str, key: Any, registration: RegistrationView) -> dict[str, Any]:
        options = {"require_exp": True, "require_iat": True, "require_aud": True, "require_iss": True,
                   "require_sub": False, "leeway": self._leeway, "verify_at_hash": False}
        try:
            claims = jwt.decode(id_token, key, algorithms=["RS256"], audience=registration.client_id,
                                issuer=registration.issuer, options=options)
        except ExpiredSignatureError as exc:
            raise bad_token("Le jeton a expiré (vérifiez l'horloge de la plateforme).", "expired") from exc
        except JWTClaimsError as exc:
            raise bad_token(f"Le jeton est refusé : {exc}.", "bad_claims") from exc
        except JWTError as exc:
            if "missing" in str(exc).lower():
                raise bad_token(f"Le jeton est incomplet : {exc}.", "missing_claim") from exc
            raise bad_token("La signature ou le contenu du jeton est invalide.", "bad_signature") from exc
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != registration.client_id:
            raise bad_token("Le jeton a plusieurs destinataires et « azp » ne désigne pas l'outil.", "bad_azp")
        if "azp" in claims and claims["azp"] != registration.client_id:
            raise bad_token("Le jeton est destiné à un autre outil (azp).", "bad_azp")
        return claims

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int | float) or isinstance(iat, bool) or not isinstance(exp, int | float):
            raise bad_token("Les dates du jeton (iat, exp) sont absentes ou invalides.", "bad_timestamps")
        if iat > now + self._leeway:
            raise bad_token("Le jeton est daté du futur (vérifiez l'horloge de la plateforme).", "iat_in_future")
        if exp < iat:
            raise bad_token("Le jeton expire avant d'avoir été émis.", "bad_timestamps")

    def _message(self, claims: dict[str, Any], registration: RegistrationView) -> LaunchMessage:
        if claims.get(LTI + "version") != "1.3.0":
            raise bad_token("Version LTI absente ou non prise en charge (1.3.0 attendue).", "bad_version")
        message_type = claims.get(LTI + "message_type")
        if message_type not in (RESOURCE_LINK, DEEP_LINKING):
            raise bad_token("Type de message LTI absent ou non pris en charge.", "bad_message_type")
        deployment_id = _str(claims.get(LTI + "deployment_id"))
        if deployment_id is None:
            raise bad_token("Le jeton n'indique pas de déploiement (deployment_id).", "no_deployment")
        if deployment_id not in registration.deployment_ids:
            raise LaunchRefused(
                403, f"Ce déploiement ({deployment_id}) n'est pas connu de l'outil.",
                "Demandez à l'administrateur de l'outil d'ajouter ce déploiement à l'enregistrement.",
                "unknown_deployment",
            )
        sub = _str(claims.get("sub"))
        if sub is None:
            raise bad_token("Le jeton n'identifie pas la personne (sub absent).", "no_sub")
        roles = claims.get(LTI + "roles")
        if not isinstance(roles, list):
            raise bad_token("Le jeton ne contient pas la liste des rôles (roles).", "no_roles")
        link = _obj(claims, "resource_link")
        link_id = _str(link.get("id"))
        return_url = None
        if message_type == RESOURCE_LINK:
            if link_id is None:
                raise bad_token("Le lien de ressource n'a pas d'identifiant (resource_link.id).", "no_resource_link")
            if _str(claims.get(LTI + "target_link_uri")) is None:
                raise bad_token("Le jeton n'indique pas l'adresse cible (target_link_uri).", "no_target_link_uri")
        else:
            settings = claims.get(DL + "deep_linking_settings")
            return_url = _str(settings.get("deep_link_return_url")) if isinstance(settings, dict) else None
            if return_url is None:
                raise bad_token("Réglages de sélection de contenu absents (deep_linking_settings).", "no_dl_settings")
        context = _obj(claims, "context")
        custom = {str(k): str(v) for k, v in _obj(claims, "custom").items() if isinstance(v, str | int | float)}
        return LaunchMessage(
            launch_id=secrets.token_urlsafe(18), registration_id=registration.id, issuer=registration.issuer,
            client_id=registration.client_id, deployment_id=deployment_id, message_type=message_type, sub=sub,
            role=map_roles([r for r in roles if isinstance(r, str)]),
            name=_str(claims.get("name")), given_name=_str(claims.get("given_name")),
            family_name=_str(claims.get("family_name")),
            context_id=_str(context.get("id")), context_label=_str(context.get("label")),
            context_title=_str(context.get("title")), resource_link_id=link_id,
            resource_link_title=_str(link.get("title")), resource_link_description=_str(link.get("description")),
            custom=custom, deep_link_return_url=return_url, claims=claims,
        )
