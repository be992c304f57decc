"""One-time link codes, kept in the short-lived store (Redis in production).

- A **code** (10 characters from an alphabet without look-alikes: 31^10 ≈ 8·10^14 values) is shown on one side,
  typed on the other within 15 minutes. Only a digest of it is stored; using it deletes it (atomic `pop`), so
  it links once. A new code replaces the account's previous one.
- A **ticket** (32 random URL-safe characters) starts the "Relier mon compte ENT" flow: it travels in the GAR
  login's RelayState and is confirmed once, after the SAML login, on the GAR side.
- **Wrong codes** are limited per account: after 5 wrong codes within 15 minutes, typing is refused until
  the window ends (a counter of slots in the store, as the GAR birth-date reconciliation does).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from core.store.base import ShortLivedStore

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1
CODE_LENGTH = 10
CODE_TTL_SECONDS = 15 * 60
WRONG_CODES_ALLOWED = 5
WRONG_CODES_WINDOW_SECONDS = 15 * 60
TICKET_BYTES = 24
_CODE_KEY = "link:code:"
_ACCOUNT_CODE_KEY = "link:account-code:"
_WRONG_KEY = "link:wrong:"


@dataclass(frozen=True)
class Issued:
    """Who asked for the code (the account, through which door) and how it is meant to be used."""

    account_id: int
    kind: str  # "code" (typed on the other side) | "gar-login" (confirmed after a GAR login)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_ticket() -> str:
    return secrets.token_urlsafe(TICKET_BYTES)


def normalise(typed: str) -> str | None:
    """What a person typed, as a code: spaces and dashes dropped, upper case; None if it cannot be one."""
    cleaned = "".join(ch for ch in typed.strip().upper() if ch not in " -\u00a0\u202f")[:64]
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display(code: str) -> str:
    """The code as shown: two groups of five, easier to copy."""
    return f"{code[:5]}-{code[5:]}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue(store: ShortLivedStore, account_id: int, kind: str) -> str:
    """A new code (kind "code") or ticket (kind "gar-login") for this account, valid 15 minutes."""
    secret = new_code() if kind == "code" else new_ticket()
    previous = await store.pop(_ACCOUNT_CODE_KEY + kind + ":" + str(account_id))
    if previous:
        await store.delete(_CODE_KEY + previous)
    digest = _digest(secret)
    await store.set(_CODE_KEY + digest, json.dumps({"a": account_id, "k": kind}), CODE_TTL_SECONDS)
    await store.set(_ACCOUNT_CODE_KEY + kind + ":" + str(account_id), digest, CODE_TTL_SECONDS)
    return secret


async def peek(store: ShortLivedStore, secret: str) -> Issued | None:
    """Who issued this code or ticket, without using it (the confirmation page)."""
    return _parse(await store.get(_CODE_KEY + _digest(secret)))


async def redeem(store: ShortLivedStore, secret: str) -> Issued | None:
    """Use the code or ticket: it is deleted; None when unknown, expired or already used."""
    found = _parse(await store.pop(_CODE_KEY + _digest(secret)))
    if found is not None:
        await store.delete(_ACCOUNT_CODE_KEY + found.kind + ":" + str(found.account_id))
    return found


def _parse(raw: str | None) -> Issued | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
        return Issued(int(value["a"]), str(value["k"]))
    except (ValueError, KeyError, TypeError):
        return None


async def may_try(store: ShortLivedStore, account_id: int) -> bool:
    """False when this account typed 5 wrong codes in the last 15 minutes."""
    for slot in range(WRONG_CODES_ALLOWED):
        if await store.get(f"{_WRONG_KEY}{account_id}:{slot}") is None:
            return True
    return False


async def count_wrong(store: ShortLivedStore, account_id: int) -> None:
    for slot in range(WRONG_CODES_ALLOWED):
        if await store.set_nx(f"{_WRONG_KEY}{account_id}:{slot}", "1", WRONG_CODES_WINDOW_SECONDS):
            return
