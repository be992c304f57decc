"""The demo platform's own RS256 key (one per process) and its JWKS."""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt


def _b64(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


class DemoSigner:
    def __init__(self) -> None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "demo-" + secrets.token_hex(6)
        self._pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        numbers = private.public_key().public_numbers()
        self.jwks: dict[str, Any] = {"keys": [
            {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid, "n": _b64(numbers.n), "e": _b64(numbers.e)}
        ]}

    def id_token(self, claims: dict[str, Any], lifetime: int = 300) -> str:
        now = int(time.time())
        return jwt.encode({**claims, "iat": now, "exp": now + lifetime}, self._pem, algorithm="RS256",
                          headers={"kid": self.kid})
