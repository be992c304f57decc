"""The seam between test-taking and the gradebook.

`results_changed` is called by the learning use cases INSIDE the transaction that records a finished
competence test, with the learner's up-to-date scorecards. The grades package turns it into outbox rows
(one per activity of that learner whose line item measures what changed), so that a score is never
lost: it is written with the result, and delivered later by the worker.

`campaign_results_shared` is called by the campaign use cases INSIDE the transaction that shares a
participation's results (engine.md §7: results reach the organisation, and so the gradebook, only when
the learner sends them). It enqueues the mastery rate for the learner's activities linked to that campaign.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from core.accounts import Account
from core.courses import Activity
from core.db import utcnow
from engine.campaigns.code import normalise_code
from engine.scoring import Scorecard
from lti_tool.grades.launch_services import SCOPE_LINEITEM, SCOPE_SCORE
from lti_tool.grades.models import KIND_SCORE, PENDING, SUPERSEDED, LaunchServices, OutboxItem
from lti_tool.grades.scores import Score, TargetKind, campaign_score, is_better, score_for, target_of

_TICK = timedelta(milliseconds=1)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# built once: it runs at the end of every test
_LAUNCHED_SERVICES = (
    select(LaunchServices, Activity.custom, Activity.resource_link_id, Activity.title, Account.sub)
    .join(Activity, Activity.id == LaunchServices.activity_id)
    .join(Account, Account.id == LaunchServices.account_id)
    .where(LaunchServices.account_id == bindparam("account_id"))
)
_ONE_LAUNCHED_SERVICE = _LAUNCHED_SERVICES.where(LaunchServices.activity_id == bindparam("activity_id"))


def _graded_services(session: Session, account_id: int,
                     activity_id: int | None = None) -> list[tuple[LaunchServices, dict, str, str | None, str]]:
    """The activities this account launched whose platform offers to post scores, with what scoring needs
    (only `activity_id` when given)."""
    if activity_id is None:
        rows = session.execute(_LAUNCHED_SERVICES, {"account_id": account_id}).all()
    else:
        rows = session.execute(_ONE_LAUNCHED_SERVICE, {"account_id": account_id, "activity_id": activity_id}).all()
    return [(services, custom or {}, link, title, sub) for services, custom, link, title, sub in rows
            if (services.lineitem or services.lineitems) and SCOPE_SCORE in (services.ags_scopes or [])]


def results_changed(session: Session, *, account_id: int,
                    scorecards: Sequence[Scorecard] | Callable[[], Sequence[Scorecard]], at: datetime,
                    activity_id: int | None = None) -> int:
    """Enqueue a score for every graded activity this account launched (or only `activity_id`) whose result
    is new or better. `scorecards` may be a function: it is called only when the learner has a graded
    activity. Returns the scores enqueued."""
    graded = _graded_services(session, account_id, activity_id)
    if not graded:
        return 0
    if callable(scorecards):
        scorecards = scorecards()
    written = 0
    for services, custom, resource_link_id, title, sub in graded:
        target = target_of(custom)
        if target is None or target.kind is TargetKind.CAMPAIGN:
            continue
        score = score_for(target, scorecards, services.locale or "fr")
        if score is not None and enqueue_score(session, services, score, user_id=sub,
                                               resource_link_id=resource_link_id, label=title or target.code,
                                               at=at) is not None:
            written += 1
    return written


def campaign_results_shared(session: Session, *, account_id: int, campaign_code: str, mastery_percent: int,
                            stage: tuple[int, int] | None, at: datetime, activity_id: int | None = None) -> int:
    """Enqueue the shared mastery rate (out of 100) for every graded activity of this account (or only
    `activity_id`) whose custom parameters name this campaign; a retry shared again is sent only when
    better. Returns the rows written."""
    written = 0
    for services, custom, resource_link_id, title, sub in _graded_services(session, account_id, activity_id):
        target = target_of(custom)
        if target is None or target.kind is not TargetKind.CAMPAIGN or normalise_code(target.code) != campaign_code:
            continue
        score = campaign_score(mastery_percent, stage, services.locale or "fr")
        if enqueue_score(session, services, score, user_id=sub, resource_link_id=resource_link_id,
                         label=title or f"Parcours {campaign_code}", at=at) is not None:
            written += 1
    return written


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
