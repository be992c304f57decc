"""Campaign participations (§7): started → completed → shared (frozen), and retries ("envois multiples").

Pure functions over a `Participation` value; refusals carry stable codes, like the competence-test lifecycle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.scoring import SECONDS_PER_DAY


class CampaignType(StrEnum):
    ASSESSMENT = "assessment"
    PROFILES_COLLECTION = "profiles_collection"


class ParticipationStatus(StrEnum):
    STARTED = "started"
    COMPLETED = "completed"  # the test is over (profiles collection: at once), results not sent yet
    SHARED = "shared"


class CampaignRefusal(StrEnum):
    INVALID_CODE = "invalid_code"
    UNKNOWN_CODE = "unknown_code"
    CAMPAIGN_ARCHIVED = "campaign_archived"
    NOT_COMPLETED = "not_completed"
    ALREADY_SHARED = "already_shared"
    ALREADY_COMPLETED = "already_completed"
    RETRY_NOT_ALLOWED = "retry_not_allowed"
    RETRY_NOT_SHARED = "retry_not_shared"
    RETRY_TOO_EARLY = "retry_too_early"
    RETRY_FULL_MASTERY = "retry_full_mastery"
    NOT_A_TEST = "not_a_test"


class CampaignError(Exception):
    """A request the campaign rules refuse; `code` is stable for adapters to turn into messages."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class Participation:
    id: str
    campaign_type: CampaignType
    status: ParticipationStatus
    created_at: datetime
    attempt: int = 1
    completed_at: datetime | None = None
    shared_at: datetime | None = None
    snapshot: Mapping[str, Any] | None = None

    @property
    def is_shared(self) -> bool:
        return self.status is ParticipationStatus.SHARED


def begin(participation_id: str, campaign_type: CampaignType, *, now: datetime, attempt: int = 1) -> Participation:
    """A new participation: a profiles collection has nothing to take, so it is completed at once."""
    if campaign_type is CampaignType.PROFILES_COLLECTION:
        return Participation(participation_id, campaign_type, ParticipationStatus.COMPLETED, now, attempt, now)
    return Participation(participation_id, campaign_type, ParticipationStatus.STARTED, now, attempt)


def complete(participation: Participation, *, now: datetime) -> Participation:
    """The campaign test is over (idempotent for a completed one; a shared one stays frozen)."""
    if participation.status is ParticipationStatus.STARTED:
        return replace(participation, status=ParticipationStatus.COMPLETED, completed_at=now)
    return participation


def share(participation: Participation, snapshot: Mapping[str, Any], *, now: datetime) -> Participation:
    """Send the results to the organisation: explicit, once; the snapshot is frozen from then on."""
    if participation.is_shared:
        raise CampaignError(CampaignRefusal.ALREADY_SHARED, "these results have already been sent")
    if participation.status is not ParticipationStatus.COMPLETED:
        raise CampaignError(CampaignRefusal.NOT_COMPLETED, "finish the campaign test before sending the results")
    return replace(participation, status=ParticipationStatus.SHARED, shared_at=now, snapshot=dict(snapshot))


def remaining_days_before_retry(participation: Participation, now: datetime,
                                config: EngineConfig = DEFAULT_CONFIG) -> int:
    if participation.shared_at is None:
        return config.campaign_retry_delay_days
    elapsed = (now - participation.shared_at).total_seconds() / SECONDS_PER_DAY
    return max(0, math.ceil(config.campaign_retry_delay_days - elapsed))


def retry_refusal(participation: Participation, *, multiple_sendings: bool, now: datetime,
                  config: EngineConfig = DEFAULT_CONFIG) -> CampaignError | None:
    """Why a new sending is refused, or None when it is allowed.

    Allowed when the campaign accepts multiple sendings and the last results were sent; for an assessment
    campaign, 4 days after sending and below full mastery.
    """
    if not multiple_sendings:
        return CampaignError(CampaignRefusal.RETRY_NOT_ALLOWED, "this campaign accepts a single sending")
    if not participation.is_shared:
        return CampaignError(CampaignRefusal.RETRY_NOT_SHARED, "send the current results before starting again")
    if participation.campaign_type is CampaignType.ASSESSMENT:
        campaign = (participation.snapshot or {}).get("campaign") or {}
        if campaign.get("mastery_percent") == 100:
            return CampaignError(CampaignRefusal.RETRY_FULL_MASTERY, "every target skill is already mastered")
        days = remaining_days_before_retry(participation, now, config)
        if days > 0:
            return CampaignError(CampaignRefusal.RETRY_TOO_EARLY, f"a new attempt is possible in {days} day(s)")
    return None


def can_retry(participation: Participation, *, multiple_sendings: bool, now: datetime,
              config: EngineConfig = DEFAULT_CONFIG) -> bool:
    return retry_refusal(participation, multiple_sendings=multiple_sendings, now=now, config=config) is None


def retry(participation: Participation, new_id: str, *, multiple_sendings: bool, now: datetime,
          config: EngineConfig = DEFAULT_CONFIG) -> Participation:
    """The next attempt (the previous one stays, frozen, as history)."""
    refusal = retry_refusal(participation, multiple_sendings=multiple_sendings, now=now, config=config)
    if refusal is not None:
        raise refusal
    return begin(new_id, participation.campaign_type, now=now, attempt=participation.attempt + 1)
