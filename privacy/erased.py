"""The erased-identities list: keyed digests of (issuer, sub), checked when an LMS roster is stored.

The key is generated once and kept in `lti_tool_secrets` (shared by every process), so that a digest cannot be
reversed by hashing every possible Moodle user id."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lti_tool.models import ToolSecret
from privacy.models import ErasedIdentity

KEY_NAME = "erased_identity_key"


def _key(session: Session) -> bytes:
    row = session.get(ToolSecret, KEY_NAME)
    if row is None:
        row = ToolSecret(name=KEY_NAME, value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return row.value.encode("ascii")


def identity_digest(key: bytes, issuer: str, sub: str) -> str:
    return hmac.new(key, f"{issuer}\n{sub}".encode(), hashlib.sha256).hexdigest()


def remember_erased(session: Session, identities: Iterable[tuple[str, str]], now: datetime) -> int:
    """List the identities as erased (the caller commits with the erasure). Returns how many were listed."""
    key = _key(session)
    digests = {identity_digest(key, issuer, sub) for issuer, sub in identities}
    known = set(session.scalars(select(ErasedIdentity.digest).where(ErasedIdentity.digest.in_(digests))))
    for digest in digests - known:
        session.add(ErasedIdentity(digest=digest, erased_at=now))
    for row in session.scalars(select(ErasedIdentity).where(ErasedIdentity.digest.in_(known))):
        row.erased_at = now
    session.flush()
    return len(digests)


def erased_subs(session: Session, issuer: str, subs: Iterable[str]) -> set[str]:
    """Which of these subs (of one issuer) belong to erased identities."""
    subs = list(subs)
    if not subs or session.scalar(select(ErasedIdentity.digest).limit(1)) is None:
        return set()
    key = _key(session)
    by_digest = {identity_digest(key, issuer, sub): sub for sub in subs}
    found = session.scalars(select(ErasedIdentity.digest).where(ErasedIdentity.digest.in_(list(by_digest))))
    return {by_digest[d] for d in found}


def forget_erased_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(ErasedIdentity).where(ErasedIdentity.erased_at < cutoff))
    return int(result.rowcount or 0)
