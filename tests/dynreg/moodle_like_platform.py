"""A test platform for LTI Dynamic Registration, written from the 1EdTech LTI-DR spec and from the rules Moodle 4.3
applies in mod/lti/openid-registration.php (as described in the shared lti.md). It shares no code with lti_tool.

`MoodleLikePlatform` is strict like Moodle; `LooseSpecPlatform` follows the 1EdTech spec more loosely (other paths,
opaque token, 201, no product family, deployment id optional). Both are also real LTI platforms (tests.lti.platform)
so that the registration they hand out can be used for a signed launch."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from typing import Any

import httpx

from tests.lti.platform import Platform

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
MOODLE_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-bo/scope/basicoutcome",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    "https://purl.imsglobal.org/spec/lti-ts/scope/toolsetting",
    "openid",
]


def moodle_domain(url: str) -> str | None:
    """What Moodle's lti_get_domain_from_url returns (then compared as strings): the text after an optional
    scheme and an optional ``www.``, up to the first slash, case kept, port kept."""
    match = re.match(r"(?:https?://)?(?:www\.)?([^/]+)(?:/|$)", url, flags=re.I)
    return match.group(1) if match else None


class RegistrationRefused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class MoodleLikePlatform(Platform):
    config_path = "/mod/lti/openid-configuration.php"
    registration_path = "/mod/lti/openid-registration.php"

    def __init__(self, issuer: str | None = None) -> None:
        super().__init__(issuer=issuer or f"https://moodle-{uuid.uuid4().hex[:8]}.platform.test",
                         client_id="", deployment_id="")
        self.auth_login_url = self.issuer + "/mod/lti/auth.php"
        self.auth_token_url = self.issuer + "/mod/lti/token.php"
        self.keyset_url = self.issuer + "/mod/lti/certs.php"
        self.tokens: dict[str, str] = {}  # registration token -> client id it will create
        self.tools: dict[str, dict[str, Any]] = {}  # client id -> tool type (state pending)
        self.next_type_id = 7
        self.config_overrides: dict[str, Any] = {}
        self.received: list[dict[str, Any]] = []
        self.unreachable = False

    @property
    def configuration_url(self) -> str:
        return self.issuer + self.config_path

    def new_registration_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.tokens[token] = secrets.token_urlsafe(11)[:15]
        return token

    def configuration(self) -> dict[str, Any]:
        config = {
            "issuer": self.issuer,
            "token_endpoint": self.auth_token_url,
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": self.keyset_url,
            "authorization_endpoint": self.auth_login_url,
            "registration_endpoint": self.issuer + self.registration_path,
            "scopes_supported": MOODLE_SCOPES,
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
            PLATFORM_CONFIGURATION: {
                "product_family_code": "moodle", "version": "4.3",
                "messages_supported": [{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest"}],
                "variables": ["Context.id.history"],
            },
        }
        config.update(self.config_overrides)
        return {k: v for k, v in config.items() if v is not None}

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        url = str(request.url).split("?")[0]
        if url == self.configuration_url and request.method == "GET":
            return httpx.Response(200, json=self.configuration())
        if url == self.issuer + self.registration_path and request.method == "POST":
            return self.register(request)
        return super().handle(request)

    # --- the registration endpoint -------------------------------------------------------------------------
    def register(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return httpx.Response(401, text="missing_registration_token")
        token = auth[7:].strip()
        if token not in self.tokens:
            return httpx.Response(500, text="Invalid token")  # Moodle: JWT::decode throws, uncaught
        client_id = self.tokens[token]
        if client_id in self.tools:
            return httpx.Response(401, text="token_already_used")
        try:
            payload = json.loads(request.content)
            self.received.append(payload)
            tool = self.validate(payload)
        except RegistrationRefused as exc:
            return httpx.Response(exc.status, text=exc.message)
        type_id = self.next_type_id
        self.next_type_id += 1
        tool.update(client_id=client_id, type_id=type_id, state="pending")
        self.tools[client_id] = tool
        return httpx.Response(200, json=self.response_for(tool))

    @staticmethod
    def required(payload: dict[str, Any], key: str) -> Any:
        if not payload.get(key):
            raise RegistrationRefused(f"missing required attribute {key}")
        return payload[key]

    def validate(self, payload: dict[str, Any]) -> dict[str, Any]:
        response_types = self.required(payload, "response_types")
        initiate = self.required(payload, "initiate_login_uri")
        redirect_uris = self.required(payload, "redirect_uris")
        name = self.required(payload, "client_name")
        jwks_uri = self.required(payload, "jwks_uri")
        auth_method = self.required(payload, "token_endpoint_auth_method")
        config = self.required(payload, TOOL_CONFIGURATION)
        domain = config.get("domain")
        if not domain:
            raise RegistrationRefused("missing_domain")
        target = config.get("target_link_uri") or "https://" + domain
        if moodle_domain(domain) != moodle_domain(target):
            raise RegistrationRefused("domain_targetlinkuri_mismatch")
        if "id_token" not in response_types:
            raise RegistrationRefused("invalid_response_types")
        if not isinstance(redirect_uris, list):
            raise RegistrationRefused("invalid_redirect_uris")
        if auth_method != "private_key_jwt":
            raise RegistrationRefused("invalid_token_endpoint_auth_method")
        if payload.get("application_type") and payload["application_type"] != "web":
            raise RegistrationRefused("invalid_application_type")
        scopes = [s for s in (payload.get("scope") or "").split(" ") if s]
        if not set(scopes) <= set(MOODLE_SCOPES):
            raise RegistrationRefused("invalid_scope")
        messages = config.get("messages") or []
        return {"name": name, "initiate_login_uri": initiate, "redirect_uris": redirect_uris, "jwks_uri": jwks_uri,
                "domain": moodle_domain(domain), "target_link_uri": target, "scopes": scopes,
                "claims": config.get("claims") or [], "custom_parameters": config.get("custom_parameters") or {},
                "content_item": any(m.get("type") == "LtiDeepLinkingRequest" for m in messages)}

    def response_for(self, tool: dict[str, Any]) -> dict[str, Any]:
        block: dict[str, Any] = {"version": "1.3.0", "deployment_id": str(tool["type_id"]),
                                 "target_link_uri": tool["target_link_uri"], "domain": tool["domain"],
                                 "description": "", "claims": ["sub", "iss", "name", "family_name", "given_name"]}
        if tool["content_item"]:
            block["messages"] = [{"type": "LtiDeepLinkingRequest"}]
        return {"client_id": tool["client_id"], "response_types": ["id_token"], "jwks_uri": tool["jwks_uri"],
                "initiate_login_uri": tool["initiate_login_uri"], "grant_types": ["client_credentials", "implicit"],
                "redirect_uris": tool["redirect_uris"], "application_type": "web",
                "token_endpoint_auth_method": "private_key_jwt", "client_name": tool["name"], "logo_uri": "",
                "scope": " ".join(tool["scopes"]), TOOL_CONFIGURATION: block}

    def adopt(self, client_id: str, deployment_id: str) -> None:
        """Launch from now on as the tool registered under this client id."""
        self.client_id, self.deployment_id = client_id, deployment_id


class LooseSpecPlatform(MoodleLikePlatform):
    """1EdTech-style platform: its own paths, an opaque token, 201 Created, no product family, string messages,
    no scopes_supported; `with_deployment=False` leaves the deployment id out of the response."""

    config_path = "/.well-known/openid-configuration"
    registration_path = "/api/lti/registrations"

    def __init__(self, with_deployment: bool = True) -> None:
        super().__init__(issuer=f"https://lms-{uuid.uuid4().hex[:8]}.loose.test")
        self.auth_login_url = self.issuer + "/api/lti/authorize_redirect"
        self.auth_token_url = self.issuer + "/login/oauth2/token"
        self.keyset_url = self.issuer + "/api/lti/security/jwks"
        self.with_deployment = with_deployment

    def configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer, "authorization_endpoint": self.auth_login_url,
            "token_endpoint": self.auth_token_url, "jwks_uri": self.keyset_url,
            "registration_endpoint": self.issuer + self.registration_path,
            PLATFORM_CONFIGURATION: {"messages_supported": ["LtiResourceLinkRequest"]},
        }

    def validate(self, payload: dict[str, Any]) -> dict[str, Any]:
        config = payload.get(TOOL_CONFIGURATION) or {}
        return {"name": payload.get("client_name", ""), "initiate_login_uri": payload.get("initiate_login_uri"),
                "redirect_uris": payload.get("redirect_uris"), "jwks_uri": payload.get("jwks_uri"),
                "domain": config.get("domain"), "target_link_uri": config.get("target_link_uri"),
                "scopes": (payload.get("scope") or "").split(), "claims": config.get("claims"),
                "custom_parameters": {}, "content_item": False}

    def register(self, request: httpx.Request) -> httpx.Response:
        response = super().register(request)
        if response.status_code != 200:
            return response
        body = response.json()
        if not self.with_deployment:
            body[TOOL_CONFIGURATION].pop("deployment_id")
        return httpx.Response(201, json=body)
