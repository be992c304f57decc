"""Linking a learner's accounts (LTI and GAR) into one profile, and unlinking them (an administrator's act).

Which profile survives: an account that already has linked accounts keeps its role of profile account; otherwise
the older account (created first) is the profile account. Links are between learners of two different doors or
platforms (two different issuers); an account has at most one link.

Each link is one transaction: the link, the merge (`linking.merge`), an audit entry and the
`CompetenceResultsChanged` event (so that every gradebook of the learner gets the merged profile's score) are
committed together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import CampaignRow, ParticipationRow
from core import audit, events
from core.accounts import Account
from core.events import CampaignResultsShared, CompetenceResultsChanged
from core.links import AccountLink, profile_account_id
from engine.campaigns.results import read_snapshot
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.referential import Referential
from engine.scoring import Scorecard
from learning import use_cases as learning
from linking.merge import MovedRows, merge_profiles, unmerge_profiles

LEARNER_ROLES = ("student",)


class LinkRefusal(StrEnum):
    SAME_ACCOUNT = "link_same_account"
    SAME_PLATFORM = "link_same_platform"
    ALREADY_LINKED = "link_already_linked"
    BOTH_LINKED = "link_both_linked"
    UNKNOWN_ACCOUNT = "link_unknown_account"
    NOT_LINKED = "link_not_linked"


class LinkError(Exception):
    def __init__(self, code: LinkRefusal, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Linked:
    profile_account_id: int
    linked_account_id: int
    moved: MovedRows


@dataclass(frozen=True)
class LinkView:
    """A link as teachers and administrators see it (no name: the pages add what they may show)."""

    link_id: int
    account_id: int
    account_issuer: str
    profile_account_id: int
    profile_issuer: str
    method: str
    linked_at: datetime


def _links_of(session: Session, account_id: int) -> int:
    return len(list(session.scalars(select(AccountLink.id).where(
        (AccountLink.account_id == account_id) | (AccountLink.profile_account_id == account_id)))))


def link_accounts(session: Session, referential: Referential, first_id: int, second_id: int, *, method: str,
                  actor: str, now: datetime, config: EngineConfig = DEFAULT_CONFIG) -> Linked:
    """Link two accounts of one learner and merge their profiles (see the module's rules)."""
    if first_id == second_id:
        raise LinkError(LinkRefusal.SAME_ACCOUNT, "an account cannot be linked to itself")
    first, second = session.get(Account, first_id), session.get(Account, second_id)
    if first is None or second is None:
        raise LinkError(LinkRefusal.UNKNOWN_ACCOUNT, "no such account")
    if profile_account_id(session, first_id) == profile_account_id(session, second_id):
        raise LinkError(LinkRefusal.ALREADY_LINKED, "these accounts are already linked")
    if first.issuer == second.issuer:
        raise LinkError(LinkRefusal.SAME_PLATFORM, "two accounts of the same platform are two people")
    first_links, second_links = _links_of(session, first_id), _links_of(session, second_id)
    if first_links and second_links:
        raise LinkError(LinkRefusal.BOTH_LINKED, "both accounts are already linked to others")
    if session.scalar(select(AccountLink.id).where(AccountLink.account_id.in_([first_id, second_id]))):
        raise LinkError(LinkRefusal.ALREADY_LINKED, "one of these accounts is already linked to another")
    if first_links or second_links:
        profile, other = (first, second) if first_links else (second, first)
    else:
        profile, other = sorted((first, second), key=lambda a: (a.created_at.replace(tzinfo=None), a.id))
    link = AccountLink(account_id=other.id, profile_account_id=profile.id, method=method, linked_at=now)
    session.add(link)
    session.flush()
    moved = merge_profiles(session, link)
    audit.record(session, actor, "account.link", f"account:{profile.id},{other.id}", profile_account=profile.id,
                 linked_account=other.id, method=method, moved=moved.as_dict())
    publish_profile(session, referential, profile.id, now, config)
    publish_shared_campaigns(session, profile.id, now)
    return Linked(profile.id, other.id, moved)


def publish_shared_campaigns(session: Session, account_id: int, now: datetime) -> None:
    """The profile's current shared results of assessment campaigns, published again: an LTI activity of the other
    account that measures one of these campaigns gets the mastery rate (a gradebook only takes a better score)."""
    rows = session.execute(
        select(CampaignRow.code, ParticipationRow.snapshot)
        .join(CampaignRow, CampaignRow.id == ParticipationRow.campaign_id)
        .where(ParticipationRow.account_id == account_id, ParticipationRow.is_improved.is_(False),
               ParticipationRow.shared_at.is_not(None))
        .order_by(ParticipationRow.created_at))
    for code, snapshot in rows:
        results = read_snapshot(snapshot) if snapshot else None
        if results is None or results.mastery_percent is None:
            continue
        stage = None if results.stage_index is None else (results.stage_index, results.stage_count or 0)
        events.publish(session, CampaignResultsShared(account_id=account_id, campaign_code=code,
                                                      mastery_percent=results.mastery_percent, stage=stage, at=now))


def publish_profile(session: Session, referential: Referential, account_id: int, now: datetime,
                    config: EngineConfig = DEFAULT_CONFIG) -> None:
    """The merged (or split) profile is a changed result: every gradebook of the learner's accounts gets it."""
    def cards() -> tuple[Scorecard, ...]:
        return learning.profile(session, referential, account_id, now, config).scorecards

    events.publish(session, CompetenceResultsChanged(account_id=account_id, scorecards=cards, at=now))


def unlink_account(session: Session, referential: Referential, account_id: int, *, actor: str, now: datetime,
                   config: EngineConfig = DEFAULT_CONFIG) -> MovedRows:
    """Undo the link of `account_id` (either side of a one-to-one link; the linked side when the profile has
    several): the rows the merge moved go back (`linking.merge.unmerge_profiles`); both profiles are published."""
    link = session.scalar(select(AccountLink).where(AccountLink.account_id == account_id))
    if link is None:
        candidates = list(session.scalars(select(AccountLink).where(AccountLink.profile_account_id == account_id)))
        if len(candidates) != 1:
            raise LinkError(LinkRefusal.NOT_LINKED, "this account has no link to undo (or several: choose one)")
        link = candidates[0]
    moved = unmerge_profiles(session, link)
    audit.record(session, actor, "account.unlink", f"account:{link.profile_account_id},{link.account_id}",
                 profile_account=link.profile_account_id, linked_account=link.account_id, moved=moved.as_dict())
    profile, other = link.profile_account_id, link.account_id
    session.delete(link)
    session.flush()
    publish_profile(session, referential, profile, now, config)
    publish_profile(session, referential, other, now, config)
    return moved


def all_links(session: Session) -> list[LinkView]:
    """Every link, newest first (the admin page)."""
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(
        select(AccountLink.account_id).union(select(AccountLink.profile_account_id)))))}
    links = session.scalars(select(AccountLink).order_by(AccountLink.linked_at.desc(), AccountLink.id.desc()))
    return [LinkView(link.id, link.account_id, accounts[link.account_id].issuer, link.profile_account_id,
                     accounts[link.profile_account_id].issuer, link.method, link.linked_at) for link in links]
