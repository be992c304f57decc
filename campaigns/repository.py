"""Rows <-> campaign domain objects."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import CampaignRow, ParticipationRow, TargetProfileRow
from engine.campaigns.participation import CampaignType, Participation, ParticipationStatus
from engine.campaigns.target_profile import TargetProfile, badges_from_json, stages_from_json
from learning.repository import aware


def to_target_profile(row: TargetProfileRow) -> TargetProfile:
    return TargetProfile(row.name, tuple(row.skills), stages_from_json(row.stages or ()),
                         badges_from_json(row.badges or ()))


def target_profile_of(session: Session, campaign: CampaignRow) -> TargetProfile | None:
    if campaign.target_profile_id is None:
        return None
    row = session.get(TargetProfileRow, campaign.target_profile_id)
    return None if row is None else to_target_profile(row)


def to_participation(row: ParticipationRow, campaign_type: str) -> Participation:
    return Participation(
        id=row.id, campaign_type=CampaignType(campaign_type), status=ParticipationStatus(row.status),
        created_at=aware(row.created_at), attempt=row.attempt, completed_at=aware(row.completed_at),  # type: ignore[arg-type]
        shared_at=aware(row.shared_at), snapshot=row.snapshot,
    )


def apply(row: ParticipationRow, participation: Participation) -> None:
    row.status = str(participation.status)
    row.completed_at = participation.completed_at
    row.shared_at = participation.shared_at
    row.snapshot = dict(participation.snapshot) if participation.snapshot is not None else None


def latest_participation(session: Session, campaign_id: int, account_id: int, *,
                         lock: bool = False) -> ParticipationRow | None:
    query = (select(ParticipationRow)
             .where(ParticipationRow.campaign_id == campaign_id, ParticipationRow.account_id == account_id)
             .order_by(ParticipationRow.attempt.desc()).limit(1))
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def own_participation(session: Session, account_id: int, participation_id: str, *,
                      lock: bool = False) -> ParticipationRow | None:
    """The participation if it is the account's own: a student never reaches another's."""
    query = select(ParticipationRow).where(ParticipationRow.id == participation_id,
                                           ParticipationRow.account_id == account_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()
