"""The tool's RS256 signing keys: created on first start, rotated on demand, public parts published."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.models import ToolKey, ToolSecret


def thumbprint(e: str, n: str) -> str:
    """RFC 7638 JWK thumbprint (SHA-256): the kid pylti1p3/jwcrypto compute for the same key."""
    canonical = json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    public = jwk.construct(public_pem, "RS256").to_dict()
    kid = thumbprint(public["e"], public["n"])
    public_jwk = {"kty": "RSA", "n": public["n"], "e": public["e"], "kid": kid, "alg": "RS256", "use": "sig"}
    return ToolKey(kid=kid, private_pem=pem, public_jwk=public_jwk)


def current_key(session: Session) -> ToolKey | None:
    stmt = select(ToolKey).where(ToolKey.retired_at.is_(None)).order_by(ToolKey.id.desc()).limit(1)
    return session.scalars(stmt).first()


def ensure_key(session: Session) -> ToolKey:
    key = current_key(session)
    if key is None:
        key = _new_key()
        session.add(key)
        session.commit()
    return key


def rotate(session: Session) -> ToolKey:
    """Retire every current key (still published during the grace period) and add a new current one."""
    now = datetime.now(UTC)
    for key in session.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None))):
        key.retired_at = now
    new = _new_key()
    session.add(new)
    session.commit()
    return new


def published_jwks(session: Session, grace_seconds: int) -> dict[str, list[dict[str, str]]]:
    cutoff = datetime.now(UTC) - timedelta(seconds=grace_seconds)
    keys = []
    for key in session.scalars(select(ToolKey).order_by(ToolKey.id.desc())):
        retired = key.retired_at
        if retired is not None and retired.tzinfo is None:
            retired = retired.replace(tzinfo=UTC)
        if retired is None or retired > cutoff:
            keys.append(dict(key.public_jwk))
    return {"keys": keys}


def session_secret(session: Session, configured: str | None) -> str:
    """The configured secret, else one generated once and kept in the database (shared by workers)."""
    if configured:
        return configured
    row = session.get(ToolSecret, "session_secret")
    if row is None:
        row = ToolSecret(name="session_secret", value=secrets.token_urlsafe(48))
        session.add(row)
        session.commit()
    return row.value
