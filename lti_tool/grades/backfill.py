"""Results obtained before an activity's grade column was known reach it (issue 21, item 3).

The worker can only post a learner's score to a column the platform told the tool about at a launch. Two
gaps follow, both closed here, in the launch's provisioning transaction:

- a learner finished what an activity measures elsewhere (the profile, another activity's "what next", a
  campaign joined by its code) and opens the activity only afterwards: at that first launch, the current
  result is enqueued for it;
- a teacher adds the column after the class has worked: at an instructor's launch of the activity, each
  learner of the course the tool knows (from their own launches) and who has a result but no row for that
  activity gets the column the instructor's launch carries (the same line item for everyone of the resource
  link) and their current result.

Only first or better scores are enqueued (`hooks.enqueue_score`), so running this again sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import CampaignRow, ParticipationRow
from core.courses import Activity, Membership
from core.db import utcnow
from core.links import profile_account_id
from engine.campaigns.code import normalise_code
from engine.scoring import Scorecard
from lti_tool.grades import hooks
from lti_tool.grades.launch_services import GRADED_ROLES, GradeColumn, upsert_launch_services
from lti_tool.grades.models import LaunchServices
from lti_tool.grades.scores import TargetKind, target_of

ScorecardsOf = Callable[[Session, int], Sequence[Scorecard]]


def send_current_result(session: Session, *, account_id: int, activity_id: int, scorecards_of: ScorecardsOf,
                        at: datetime) -> int:
    """Enqueue this learner's current result for one activity they have a column for. Returns rows written."""
    custom = session.scalar(select(Activity.custom).where(Activity.id == activity_id)) or {}
    target = target_of(custom)
    if target is None:
        return 0
    if target.kind is TargetKind.CAMPAIGN:
        shared = _shared_mastery(session, account_id, target.code)
        if shared is None:
            return 0
        mastery, stage = shared
        return hooks.campaign_results_shared(session, account_id=account_id, campaign_code=normalise_code(target.code),
                                             mastery_percent=mastery, stage=stage, at=at, activity_id=activity_id)
    return hooks.results_changed(session, account_id=account_id, scorecards=lambda: scorecards_of(session, account_id),
                                 at=at, activity_id=activity_id)


def _shared_mastery(session: Session, account_id: int, code: str) -> tuple[int, tuple[int, int] | None] | None:
    """The best mastery this learner sent for the campaign with this code, with its stage; None if never sent."""
    snapshots = session.scalars(
        select(ParticipationRow.snapshot)
        .join(CampaignRow, CampaignRow.id == ParticipationRow.campaign_id)
        .where(ParticipationRow.account_id == profile_account_id(session, account_id),  # a linked learner's profile
               CampaignRow.code == normalise_code(code),
               ParticipationRow.shared_at.is_not(None))
    ).all()
    best: tuple[int, tuple[int, int] | None] | None = None
    for data in snapshots:
        result: Any = (data or {}).get("campaign")
        if not isinstance(result, dict) or not isinstance(result.get("mastery_percent"), int):
            continue
        raw_stage = result.get("stage")
        stage = (int(raw_stage["index"]), int(raw_stage["count"])) if isinstance(raw_stage, dict) else None
        if best is None or result["mastery_percent"] > best[0]:
            best = (result["mastery_percent"], stage)
    return best


def column_added(session: Session, *, activity_id: int, course_id: int, column: GradeColumn, locale: str,
                 scorecards_of: ScorecardsOf, at: datetime) -> int:
    """At an instructor's launch: give the activity's column to the course's learners who have none for it
    yet, and enqueue their current results. Returns the scores enqueued."""
    if not column.usable:
        return 0
    learners = session.scalars(
        select(Membership.account_id)
        .where(Membership.course_id == course_id, Membership.role.in_(GRADED_ROLES))
        .where(~select(LaunchServices.id).where(LaunchServices.activity_id == activity_id,
                                                LaunchServices.account_id == Membership.account_id).exists())
    ).all()
    written = 0
    for account_id in learners:
        upsert_launch_services(session, {
            "account_id": account_id, "activity_id": activity_id, "registration_id": column.registration_id,
            "lineitem": column.lineitem, "lineitems": column.lineitems, "ags_scopes": column.scopes,
            "memberships_url": None, "locale": locale, "updated_at": utcnow()})
        written += send_current_result(session, account_id=account_id, activity_id=activity_id,
                                       scorecards_of=scorecards_of, at=at)
    return written
