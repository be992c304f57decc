"""Account links: one learner, one profile, whichever door.

A learner who reaches the tool through an LTI platform (issuer + sub) and through the GAR (IDO) has two accounts.
Once linked, one of them is the *profile account*: it holds the learner's tests, answers, knowledge elements and
campaign participations; the other keeps its identity (its door, its memberships, its gradebook) and points to
the profile account with an `AccountLink`. Each row moved by the merge is listed (`LinkedRow`) with what it was,
so that an administrator's unlink can give it back.

The core only stores links and answers "which profile does this account use?"; linking, merging and unlinking
are the `linking` context's use cases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, utcnow


class AccountLink(Base):
    """`account_id` uses the profile of `profile_account_id` (never itself; an account has at most one link)."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    profile_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # "gar-login" | "code"
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LinkedRow(Base):
    """A row the merge moved or changed: `table` and its primary key; `before` holds the values the merge
    replaced (account_id, and for a participation its attempt number and improved flag)."""

    __tablename__ = "account_link_rows"
    __table_args__ = (Index("ix_account_link_rows_link", "link_id", "table_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("account_links.id", ondelete="CASCADE"))
    table_name: Mapped[str] = mapped_column(String(64))
    row_key: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict] = mapped_column(JSON, default=dict)


_LINKS = AccountLink.__table__
# on every learner request: a prebuilt Core statement on the session's connection (no ORM bookkeeping)
_PROFILE_OF = select(_LINKS.c.profile_account_id).where(_LINKS.c.account_id == bindparam("account_id"))


def profile_account_id(session: Session, account_id: int) -> int:
    """The account whose profile this account uses: itself unless linked."""
    found = session.connection().execute(_PROFILE_OF, {"account_id": account_id}).scalar()
    return found if found is not None else account_id


def linked_account_ids(session: Session, account_id: int) -> set[int]:
    """Every account of the same learner (the profile account and the accounts linked to it), this one included."""
    profile = profile_account_id(session, account_id)
    others = session.scalars(select(AccountLink.account_id).where(AccountLink.profile_account_id == profile))
    return {profile, *others}


def linked_elsewhere(session: Session, account_ids: Iterable[int]) -> dict[int, set[int]]:
    """For those of these accounts that are linked (either side), the other accounts of the same learner: the
    "compte relié" badge, and a class list that knows a pupil by their other door. One query."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    rows = session.execute(select(AccountLink.account_id, AccountLink.profile_account_id).where(
        AccountLink.account_id.in_(ids) | AccountLink.profile_account_id.in_(ids))).all()
    groups: dict[int, set[int]] = {}
    for account_id, profile_id in rows:
        groups.setdefault(profile_id, {profile_id}).add(account_id)
    found: dict[int, set[int]] = {}
    for members in groups.values():
        for member in members:
            if member in ids:
                found[member] = members - {member}
    return found


def expand_to_links(session: Session, account_ids: Iterable[int]) -> set[int]:
    """These accounts and every account linked to them (a person's export or erasure follows links)."""
    found: set[int] = set()
    for account_id in set(account_ids):
        found |= linked_account_ids(session, account_id)
    return found
