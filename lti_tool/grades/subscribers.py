"""The LTI gradebook listens to the contexts' events: a changed competence result, a shared campaign result or
a published certification (only for the activities that opted in, `lti_tool.grades.certification`) becomes outbox
rows (`lti_tool.grades.hooks`), written in the transaction that published the event.

`install()` subscribes them to `core.events`; it is called by whoever runs use cases (the app factory, the CLI,
the worker, the test fixtures), never on import. Calling it twice subscribes once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from core import events
from core.events import CampaignResultsShared, CertificationResultsPublished, CompetenceResultsChanged, Registry
from core.links import linked_account_ids
from engine.scoring import Scorecard
from lti_tool.grades import certification, hooks


def on_competence_results_changed(session: Session, event: CompetenceResultsChanged) -> None:
    """Every LTI account of the learner gets the profile's score: a linked learner's profile lives on one account,
    their gradebooks on each (`core.links`)."""
    cards = _once(event.current_scorecards)
    for account_id in sorted(linked_account_ids(session, event.account_id)):
        hooks.results_changed(session, account_id=account_id, scorecards=cards, at=event.at,
                              activity_id=event.activity_id)


def on_campaign_results_shared(session: Session, event: CampaignResultsShared) -> None:
    for account_id in sorted(linked_account_ids(session, event.account_id)):
        hooks.campaign_results_shared(session, account_id=account_id, campaign_code=event.campaign_code,
                                      mastery_percent=event.mastery_percent, stage=event.stage, at=event.at,
                                      activity_id=event.activity_id)


def _once(build: Callable[[], Sequence[Scorecard]]) -> Callable[[], Sequence[Scorecard]]:
    """The profile built at most once, and only if some account has a graded activity."""
    built: list[Sequence[Scorecard]] = []

    def cards() -> Sequence[Scorecard]:
        if not built:
            built.append(build())
        return built[0]

    return cards


def on_certification_results_published(session: Session, event: CertificationResultsPublished) -> None:
    certification.certification_results_published(session, event)


def install(registry: Registry | None = None) -> None:
    target = registry or events.REGISTRY
    target.subscribe(CompetenceResultsChanged, on_competence_results_changed)
    target.subscribe(CampaignResultsShared, on_campaign_results_shared)
    target.subscribe(CertificationResultsPublished, on_certification_results_published)
