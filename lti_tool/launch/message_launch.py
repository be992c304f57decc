"""pylti1p3's MessageLaunch, hardened (lti.md): its validation pipeline runs, with each step
overridden where pylti1p3 is weak:

- state: single-use (GETDEL of the login's record) and bound to this browser by the state cookie;
- format: RS256 only (no `none`, no HS*), `kid` required;
- registration: the one chosen at login (from the state record), active;
- signature: platform keys from the JWKS cache (refetched once on an unknown kid, with timeouts);
  exp, iat, iss, aud required, client_id ∈ aud, azp when several audiences, leeway both ways;
- nonce: equal to the login's, and consumed once (SET NX) — a replayed id_token is refused;
- deployment: known for that registration;
- message: pylti1p3's validators plus the LTI claims the tool relies on; a deep-linking return URL only on
  the platform's own host (or the allow-list), in https (`return_url`).

Runs in a worker thread; store and key lookups go back to the event loop through the adapters.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from pylti1p3.exception import LtiException
from pylti1p3.message_launch import MessageLaunch

from lti_tool.launch import claims as lti_claims
from lti_tool.launch.adapters import CookieJar, FastAPIRequest, StoreSessionService
from lti_tool.launch.message import LaunchMessage
from lti_tool.launch.return_url import ReturnUrlPolicy, check_return_url
from lti_tool.launch.tool_conf import platform_registration
from lti_tool.registrations import RegistrationView
from web.errors import ASK_ADMIN, RELAUNCH, LaunchRefused, bad_token

STATE_COOKIE = "state-"  # pylti1p3 names state cookies "lti1p3-" + state; states start with "state-"

RegistrationById = Callable[[int], RegistrationView | None]
KeyLookup = Callable[[str, str], RSAPublicKey | None]


class CookiesBlocked(LaunchRefused):
    """The browser sent no state cookie at all: third-party cookies are blocked in the LMS iframe.
    Carries the login parameters so the page can restart the login in a new window."""

    def __init__(self, login_params: dict[str, str]) -> None:
        super().__init__(
            400, "Votre navigateur a bloqué le cookie de connexion de l'activité dans le cadre de la plateforme.",
            "Ouvrez l'activité dans une nouvelle fenêtre avec le bouton ci-dessous : la connexion y fonctionnera.",
            "cookies_blocked",
        )
        self.login_params = login_params


class ToolMessageLaunch(MessageLaunch[FastAPIRequest, Any, StoreSessionService, CookieJar]):
    def __init__(self, request: FastAPIRequest, tool_config: Any, session_service: StoreSessionService,
                 cookie_service: CookieJar, *, registration_by_id: RegistrationById, key_lookup: KeyLookup,
                 leeway_seconds: int, return_urls: ReturnUrlPolicy | None = None) -> None:
        super().__init__(request, tool_config, session_service=session_service, cookie_service=cookie_service)
        self._registration_by_id = registration_by_id
        self._key_lookup = key_lookup
        self._leeway = leeway_seconds
        self._return_urls = return_urls or ReturnUrlPolicy()
        self._state_record: dict[str, Any] = {}
        self._view: RegistrationView | None = None

    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)

    # -- the pipeline ---------------------------------------------------------------------------
    def validate(self) -> ToolMessageLaunch:
        if self._restored:
            raise LtiException("Can't validate restored launch")
        self._validated = True
        try:
            (self.validate_state().validate_jwt_format().validate_registration().validate_jwt_signature()
             .validate_nonce().validate_deployment().validate_message())
        except Exception:
            self._validated = False
            raise
        return self

    def message(self) -> LaunchMessage:
        """Validate, then reduce to a LaunchMessage and save it under `launch:{launch_id}`."""
        self.validate()
        assert self._view is not None
        message = lti_claims.to_message(self._jwt["body"], self._view)
        self._launch_id = message.launch_id
        self._session_service.save_launch_data(message.launch_id, message_record(message))
        if self._cookie_service.get_cookie(self._state):  # the state cookie has served: drop it
            self._cookie_service.delete_cookie(self._state)
        return message

    def claimed(self) -> dict[str, Any]:
        """What the id_token claims, verified or not (for the refusal log only): iss, aud, deployment."""
        body = self._jwt.get("body") if isinstance(self._jwt, dict) else None
        if not isinstance(body, dict):
            return {}
        return {"iss": body.get("iss"), "aud": body.get("aud"),
                "deployment_id": body.get(lti_claims.LTI + "deployment_id")}

    # -- steps ----------------------------------------------------------------------------------
    def validate_state(self) -> ToolMessageLaunch:
        state = self._get_request_param("state")
        if not state:
            raise LaunchRefused(400, "Le lancement ne contient pas de paramètre « state ».", RELAUNCH, "no_state")
        self._state = state
        cookie = self._cookie_service.get_cookie(state)
        has_state_cookies = self._cookie_service.has_any(STATE_COOKIE)
        if cookie is None and has_state_cookies:  # this browser started other launches, not this one
            raise LaunchRefused(
                400, "Ce lancement ne correspond pas à la connexion commencée dans ce navigateur.", RELAUNCH,
                "state_mismatch",
            )
        record = self._session_service.take_state_params(state)  # single use, whatever happens next
        if record is None:
            raise LaunchRefused(400, "Ce lancement a expiré ou a déjà été utilisé.", RELAUNCH, "state_unknown_or_used")
        if cookie is None or not secrets.compare_digest(str(cookie), state):
            raise CookiesBlocked({str(k): str(v) for k, v in dict(record.get("login", {})).items()})
        self._state_record = record
        return self

    def validate_jwt_format(self) -> ToolMessageLaunch:
        if not self._get_request_param("id_token"):
            raise bad_token("Le lancement ne contient pas de jeton d'identité (id_token).", "no_id_token")
        try:
            super().validate_jwt_format()
        except LtiException as exc:
            raise bad_token("Le jeton d'identité est illisible (JWT malformé).", "malformed_jwt") from exc
        header = self._jwt.get("header")
        if not isinstance(header, dict) or not isinstance(self._jwt.get("body"), dict):
            raise bad_token("Le jeton d'identité est illisible (JWT malformé).", "malformed_jwt")
        if header.get("alg") != "RS256":
            raise bad_token(
                f"Algorithme de signature refusé ({header.get('alg')!s}) : seul RS256 est accepté.", "bad_alg"
            )
        if not isinstance(header.get("kid"), str) or not header["kid"]:
            raise bad_token("Le jeton ne désigne pas la clé qui l'a signé (kid absent).", "no_kid")
        return self

    def validate_registration(self) -> ToolMessageLaunch:
        view = self._registration_by_id(int(self._state_record["registration_id"]))
        if view is None:
            raise LaunchRefused(403, "La plateforme n'est plus enregistrée.", ASK_ADMIN, "unknown_platform")
        if not view.active:
            raise LaunchRefused(
                403, "L'enregistrement de cette plateforme est désactivé.",
                "L'administrateur de l'outil doit le réactiver avant tout nouveau lancement.", "registration_disabled",
            )
        self._view = view
        self._registration = platform_registration(view)
        return self

    def get_public_key(self) -> tuple[Any, str]:
        assert self._view is not None
        key = self._key_lookup(self._view.keyset_url, self._jwt["header"]["kid"])
        if key is None:
            raise bad_token("Le jeton est signé par une clé inconnue de la plateforme (kid).", "unknown_kid")
        return key, "RS256"

    def validate_jwt_signature(self) -> ToolMessageLaunch:
        assert self._view is not None
        key, _ = self.get_public_key()
        options = {"require": ["exp", "iat", "iss", "aud"], "verify_signature": True}
        try:
            verified = jwt.decode(self._get_id_token(), key, algorithms=["RS256"], audience=self._view.client_id,
                                  issuer=self._view.issuer, leeway=self._leeway, options=options)
        except jwt.ExpiredSignatureError as exc:
            raise bad_token("Le jeton a expiré (vérifiez l'horloge de la plateforme).", "expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise bad_token("Le jeton est daté du futur (vérifiez l'horloge de la plateforme).",
                            "iat_in_future") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise bad_token(f"Le jeton est incomplet : « {exc.claim} » manque.", "missing_claim") from exc
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError) as exc:
            raise bad_token(f"Le jeton est refusé : {exc}.", "bad_claims") from exc
        except jwt.InvalidTokenError as exc:
            raise bad_token("La signature ou le contenu du jeton est invalide.", "bad_signature") from exc
        lti_claims.check_audience(verified, self._view.client_id)
        lti_claims.check_times(verified, self._leeway)
        self._jwt["body"] = verified  # from here on, only what the signature covers
        return self

    def validate_nonce(self) -> ToolMessageLaunch:
        assert self._view is not None
        nonce = self._jwt["body"].get("nonce")
        if not isinstance(nonce, str) or not nonce or nonce != self._state_record.get("nonce"):
            raise LaunchRefused(400, "Le jeton ne correspond pas à cette connexion (nonce).", RELAUNCH, "bad_nonce")
        if not self._session_service.consume_nonce(self._view.issuer, nonce):
            raise LaunchRefused(400, "Ce jeton a déjà été utilisé (rejeu refusé).", RELAUNCH, "nonce_replayed")
        return self

    def validate_deployment(self) -> ToolMessageLaunch:
        assert self._view is not None
        deployment_id = lti_claims.deployment_of(self._jwt["body"])
        if deployment_id not in self._view.deployment_ids:
            raise LaunchRefused(
                403, f"Ce déploiement ({deployment_id}) n'est pas connu de l'outil.",
                "Demandez à l'administrateur de l'outil d'ajouter ce déploiement à l'enregistrement.",
                "unknown_deployment",
            )
        return self

    def validate_message(self) -> ToolMessageLaunch:
        message_type = lti_claims.check_message(self._jwt["body"])
        try:
            super().validate_message()
        except LtiException as exc:
            code = "no_dl_settings" if message_type == lti_claims.DEEP_LINKING else "bad_message"
            raise bad_token(f"Le message LTI est incomplet : {exc}.", code) from exc
        if message_type == lti_claims.DEEP_LINKING:
            assert self._view is not None
            settings = self._jwt["body"][lti_claims.DL + "deep_linking_settings"]
            check_return_url(str(settings["deep_link_return_url"]).strip(), self._view, self._return_urls)
        return self


def message_record(message: LaunchMessage) -> dict[str, Any]:
    """What is kept of a launch in the short-lived store (`launch:{launch_id}`): no names (nothing reads them
    there); issuer and sub let `pix-lti user export|delete` find a person's records."""
    return {
        "launch_id": message.launch_id, "registration_id": message.registration_id, "issuer": message.issuer,
        "client_id": message.client_id, "deployment_id": message.deployment_id,
        "message_type": message.message_type, "sub": message.sub, "role": message.role,
        "context_id": message.context_id,
        "context_label": message.context_label, "context_title": message.context_title,
        "resource_link_id": message.resource_link_id, "resource_link_title": message.resource_link_title,
        "resource_link_description": message.resource_link_description, "custom": message.custom,
        "deep_link_return_url": message.deep_link_return_url, "claims": message.claims,
    }
