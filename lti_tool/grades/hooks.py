"""The seam between test-taking and the gradebook.

`results_changed` is called by the learning use cases INSIDE the transaction that records a finished
competence test, with the learner's up-to-date scorecards. The grades package turns it into outbox rows
(one per activity of that learner whose line item measures what changed), so that a score is never
lost: it is written with the result, and delivered later by the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.scoring import Scorecard
from lti_tool.grades.launch_services import SCOPE_LINEITEM, SCOPE_SCORE
from lti_tool.grades.models import KIND_SCORE, PENDING, SUPERSEDED, LaunchServices, OutboxItem
from lti_tool.grades.scores import Score, TargetKind, is_better, score_for, target_of
from lti_tool.persistence.models import Account, Activity, utcnow

_TICK = timedelta(milliseconds=1)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def results_changed(session: Session, *, account_id: int, scorecards: Sequence[Scorecard], at: datetime) -> None:
    """Enqueue a score for every graded activity this account launched whose result is new or better."""
    rows = session.execute(
        select(LaunchServices, Activity.custom, Activity.resource_link_id, Activity.title, Account.sub)
        .join(Activity, Activity.id == LaunchServices.activity_id)
        .join(Account, Account.id == LaunchServices.account_id)
        .where(LaunchServices.account_id == account_id)
    ).all()
    for services, custom, resource_link_id, title, sub in rows:
        if not (services.lineitem or services.lineitems) or SCOPE_SCORE not in (services.ags_scopes or []):
            continue  # the platform offers no grade sync for this activity
        target = target_of(custom or {})
        if target is None or target.kind is TargetKind.CAMPAIGN:
            continue
        score = score_for(target, scorecards)
        if score is not None:
            enqueue_score(session, services, score, user_id=sub, resource_link_id=resource_link_id,
                          label=title or target.code, at=at)


def enqueue_score(session: Session, services: LaunchServices, score: Score, *, user_id: str,
                  resource_link_id: str, label: str, at: datetime) -> OutboxItem | None:
    """Insert the score unless it is not better than the last one enqueued for (activity, account).
    Its timestamp is strictly after the previous one's, and an older score still waiting is superseded."""
    last = session.execute(
        select(OutboxItem.score_value, OutboxItem.payload)
        .where(OutboxItem.kind == KIND_SCORE, OutboxItem.activity_id == services.activity_id,
               OutboxItem.account_id == services.account_id, OutboxItem.status != "dead")
        .order_by(OutboxItem.id.desc()).limit(1)
    ).first()
    if not is_better(score, last.score_value if last else None):
        return None
    moment = _aware(at)
    if last is not None:
        previous = datetime.fromisoformat(last.payload["score"]["timestamp"])
        moment = max(moment, previous + _TICK)
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.kind == KIND_SCORE, OutboxItem.activity_id == services.activity_id,
               OutboxItem.account_id == services.account_id, OutboxItem.status == PENDING)
        .values(status=SUPERSEDED, last_error="remplacé par un meilleur score")
    )
    item = OutboxItem(
        kind=KIND_SCORE, registration_id=services.registration_id, activity_id=services.activity_id,
        account_id=services.account_id, score_value=score.ratio, status=PENDING, attempts=0,
        next_attempt_at=utcnow(),
        payload={
            "score": {
                "userId": user_id, "scoreGiven": score.given, "scoreMaximum": score.maximum,
                "comment": score.comment, "timestamp": moment.isoformat(timespec="milliseconds"),
                "activityProgress": "Completed", "gradingProgress": "FullyGraded",
            },
            "lineitem": services.lineitem, "lineitems": services.lineitems,
            # one token per platform: the AGS scopes this platform offers among those the delivery needs
            "scopes": [s for s in (SCOPE_LINEITEM, SCOPE_SCORE) if s in (services.ags_scopes or [])],
            "resource_link_id": resource_link_id, "label": label,
        },
    )
    session.add(item)
    session.flush()
    return item
