"""Participations: started → completed → shared (frozen); new sendings after 4 days when allowed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.campaigns.participation import (
    CampaignError,
    CampaignRefusal,
    CampaignType,
    ParticipationStatus,
    begin,
    can_retry,
    complete,
    remaining_days_before_retry,
    retry,
    share,
)
from engine.config import EngineConfig

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RESULTS = {"profile": {}, "campaign": {"mastery_percent": 40}}


def shared(kind: CampaignType = CampaignType.ASSESSMENT, results: dict = RESULTS):  # type: ignore[no-untyped-def]
    return share(complete(begin("p1", kind, now=NOW), now=NOW), results, now=NOW)


def test_an_assessment_participation_starts_then_completes_then_is_shared_and_frozen() -> None:
    p = begin("p1", CampaignType.ASSESSMENT, now=NOW)
    assert p.status is ParticipationStatus.STARTED and p.attempt == 1
    done = complete(p, now=NOW + timedelta(minutes=20))
    assert done.status is ParticipationStatus.COMPLETED and done.completed_at == NOW + timedelta(minutes=20)
    sent = share(done, RESULTS, now=NOW + timedelta(hours=1))
    assert sent.status is ParticipationStatus.SHARED and sent.shared_at == NOW + timedelta(hours=1)
    assert sent.snapshot == RESULTS
    assert complete(sent, now=NOW + timedelta(days=1)) == sent  # nothing changes a shared participation
    with pytest.raises(CampaignError) as error:
        share(sent, {"other": 1}, now=NOW + timedelta(days=1))
    assert error.value.code == CampaignRefusal.ALREADY_SHARED


def test_results_cannot_be_shared_before_the_test_is_over() -> None:
    with pytest.raises(CampaignError) as error:
        share(begin("p1", CampaignType.ASSESSMENT, now=NOW), RESULTS, now=NOW)
    assert error.value.code == CampaignRefusal.NOT_COMPLETED


def test_a_profiles_collection_participation_is_ready_to_share_at_once() -> None:
    p = begin("p1", CampaignType.PROFILES_COLLECTION, now=NOW)
    assert p.status is ParticipationStatus.COMPLETED
    assert share(p, {"profile": {}}, now=NOW).is_shared


def test_retry_needs_multiple_sendings_a_shared_participation_and_4_days() -> None:
    sent = shared()
    assert not can_retry(sent, multiple_sendings=False, now=NOW + timedelta(days=10))
    assert not can_retry(complete(begin("p", CampaignType.ASSESSMENT, now=NOW), now=NOW), multiple_sendings=True,
                         now=NOW + timedelta(days=10))
    assert remaining_days_before_retry(sent, NOW + timedelta(days=1, hours=1)) == 3
    with pytest.raises(CampaignError) as error:
        retry(sent, "p2", multiple_sendings=True, now=NOW + timedelta(days=3, hours=23))
    assert error.value.code == CampaignRefusal.RETRY_TOO_EARLY
    again = retry(sent, "p2", multiple_sendings=True, now=NOW + timedelta(days=4))
    assert (again.id, again.attempt, again.status) == ("p2", 2, ParticipationStatus.STARTED)


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"multiple_sendings": False}, CampaignRefusal.RETRY_NOT_ALLOWED),
])
def test_retry_refusals_carry_stable_codes(kwargs: dict, code: str) -> None:
    with pytest.raises(CampaignError) as error:
        retry(shared(), "p2", now=NOW + timedelta(days=5), **kwargs)
    assert error.value.code == code


def test_no_retry_at_full_mastery_and_no_delay_for_a_profiles_collection() -> None:
    perfect = shared(results={"profile": {}, "campaign": {"mastery_percent": 100}})
    with pytest.raises(CampaignError) as error:
        retry(perfect, "p2", multiple_sendings=True, now=NOW + timedelta(days=30))
    assert error.value.code == CampaignRefusal.RETRY_FULL_MASTERY
    profiles = shared(CampaignType.PROFILES_COLLECTION, {"profile": {}})
    again = retry(profiles, "p2", multiple_sendings=True, now=NOW + timedelta(minutes=5))
    assert again.status is ParticipationStatus.COMPLETED and again.attempt == 2


def test_campaigns_have_their_own_retry_delay() -> None:
    # decided with the service: the delay before a new sending is the campaigns' own setting
    config = EngineConfig(campaign_retry_delay_days=2, retry_delay_days=7)
    sent = shared()
    assert remaining_days_before_retry(sent, NOW + timedelta(days=1, hours=1), config) == 1
    assert can_retry(sent, multiple_sendings=True, now=NOW + timedelta(days=2), config=config)
