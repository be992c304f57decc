"""An independent LTI 1.3 platform, written from the 1EdTech spec with python-jose and cryptography.
It shares no code with lti_tool: it answers the OIDC authentication request and signs id_tokens."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class PlatformKey:
    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex[:16]
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        numbers = private.public_key().public_numbers()
        self.public_jwk = {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                           "n": _b64(numbers.n), "e": _b64(numbers.e)}


class Platform:
    """A platform at https://<name>.platform.test whose JWKS is served through an httpx MockTransport."""

    def __init__(self, issuer: str | None = None, client_id: str = "pix-client", deployment_id: str = "dep-1") -> None:
        self.issuer = issuer or f"https://lms-{uuid.uuid4().hex[:8]}.platform.test"
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.auth_login_url = self.issuer + "/auth"
        self.auth_token_url = self.issuer + "/token"
        self.keyset_url = self.issuer + "/jwks"
        self.keys = [PlatformKey()]
        self.jwks_requests = 0

    @property
    def key(self) -> PlatformKey:
        return self.keys[-1]

    def rotate(self, keep_old: bool = True) -> PlatformKey:
        new = PlatformKey()
        self.keys = [*self.keys, new] if keep_old else [new]
        return new

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk for k in self.keys]}

    def handle(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == self.keyset_url:
            self.jwks_requests += 1
            return httpx.Response(200, json=self.jwks())
        return httpx.Response(404)

    def authorize(self, location: str, redirect_uri: str) -> dict[str, str]:
        """Check the tool's authentication request as a strict platform (Moodle) does."""
        parsed = urlparse(location)
        assert f"{parsed.scheme}://{parsed.netloc}{parsed.path}" == self.auth_login_url
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        assert query["scope"] == "openid"
        assert query["response_type"] == "id_token"
        assert query["response_mode"] == "form_post"
        assert query["prompt"] == "none"
        assert query["client_id"] == self.client_id
        assert query["redirect_uri"] == redirect_uri
        assert query["state"] and query["nonce"] and query["login_hint"]
        return query

    def claims(self, nonce: str, *, sub: str = "user-1", roles: list[str] | None = None,
               message_type: str = "LtiResourceLinkRequest", now: float | None = None) -> dict[str, Any]:
        now = time.time() if now is None else now
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "nonce": nonce,
            "iat": int(now), "exp": int(now) + 300,
            LTI + "version": "1.3.0", LTI + "message_type": message_type,
            LTI + "deployment_id": self.deployment_id,
            LTI + "roles": [LEARNER] if roles is None else roles,
            LTI + "target_link_uri": "http://localhost/lti/launch",
            LTI + "context": {"id": "course-42", "label": "SNT2", "title": "Sciences numériques 2de",
                              "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseSection"]},
            LTI + "custom": {"competence": "1.1"},
            "given_name": "Camille", "family_name": "Durand", "name": "Camille Durand",
        }
        if message_type == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": "rl-1", "title": "Mener une recherche", "description": "Test 1.1"}
        else:
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": self.issuer + "/deeplink/return",
                "accept_types": ["ltiResourceLink"], "accept_presentation_document_targets": ["iframe"],
            }
        return claims

    def sign(self, claims: dict[str, Any], *, key: PlatformKey | None = None, headers: dict[str, Any] | None = None,
             algorithm: str = "RS256") -> str:
        key = key or self.key
        extra = {"kid": key.kid} if headers is None else headers
        return jwt.encode(claims, key.pem, algorithm=algorithm, headers=extra)
