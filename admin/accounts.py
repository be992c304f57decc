"""Admin accounts: argon2id password hashes (argon2-cffi), rehashed when the parameters change."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.models import AdminAccount
from core import audit

HASHER = PasswordHasher()
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
MIN_PASSWORD = 12
_DUMMY_HASH = HASHER.hash("pix-lti: no such account")


class AccountError(ValueError):
    """A French message for the person who asked."""


@dataclass(frozen=True)
class AccountView:
    id: int
    username: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    session_generation: int = 0


def _view(a: AdminAccount) -> AccountView:
    return AccountView(a.id, a.username, a.active, a.created_at, a.last_login_at, a.session_generation or 0)


def end_sessions(session: Session, account_id: int) -> None:
    """Every admin cookie of this account stops working (durably: in the database)."""
    account = session.get(AdminAccount, account_id)
    if account is not None:
        account.session_generation = (account.session_generation or 0) + 1
        session.commit()


def normalize(username: str) -> str:
    return username.strip().lower()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Le mot de passe doit faire au moins {MIN_PASSWORD} caractères.")


def create_account(session: Session, username: str, password: str, actor: str) -> AccountView:
    username = normalize(username)
    if not USERNAME.match(username):
        raise AccountError("Identifiant invalide : 3 à 64 caractères parmi a-z, 0-9, . _ @ -.")
    check_password_strength(password)
    if session.scalars(select(AdminAccount).where(AdminAccount.username == username)).first():
        raise AccountError(f"Le compte « {username} » existe déjà.")
    account = AdminAccount(username=username, password_hash=HASHER.hash(password), active=True,
                           created_at=datetime.now(UTC))
    session.add(account)
    audit.record(session, actor, "admin.create", f"admin:{username}")
    session.commit()
    return _view(account)


def authenticate(session: Session, username: str, password: str) -> AccountView | None:
    """The account when the password matches an active account; None otherwise (same cost either way)."""
    account = session.scalars(select(AdminAccount).where(AdminAccount.username == normalize(username))).first()
    if account is None or not account.active:
        with contextlib.suppress(VerificationError):
            HASHER.verify(_DUMMY_HASH, password)
        return None
    try:
        HASHER.verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    account.last_login_at = datetime.now(UTC)
    session.commit()
    return _view(account)


def active_account(session: Session, account_id: int) -> AccountView | None:
    account = session.get(AdminAccount, account_id)
    return _view(account) if account is not None and account.active else None


def list_accounts(session: Session) -> list[AccountView]:
    return [_view(a) for a in session.scalars(select(AdminAccount).order_by(AdminAccount.username))]


def _get(session: Session, username: str) -> AdminAccount:
    account = session.scalars(select(AdminAccount).where(AdminAccount.username == normalize(username))).first()
    if account is None:
        raise AccountError(f"Aucun compte « {normalize(username)} ».")
    return account


def set_active(session: Session, username: str, active: bool, actor: str) -> AccountView:
    account = _get(session, username)
    account.active = active
    audit.record(session, actor, "admin.enable" if active else "admin.disable", f"admin:{account.username}")
    session.commit()
    return _view(account)


def set_password(session: Session, username: str, password: str, actor: str) -> AccountView:
    check_password_strength(password)
    account = _get(session, username)
    account.password_hash = HASHER.hash(password)
    audit.record(session, actor, "admin.password", f"admin:{account.username}")
    session.commit()
    return _view(account)
