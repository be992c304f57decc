"""The LTI gradebook listens to the contexts' events: a changed competence result, a shared campaign result or
a published certification (only for the activities that opted in, `lti_tool.grades.certification`) becomes outbox
rows (`lti_tool.grades.hooks`), written in the transaction that published the event.

`install()` subscribes them to `core.events`; it is called by whoever runs use cases (the app factory, the CLI,
the worker, the test fixtures), never on import. Calling it twice subscribes once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core import events
from core.events import CampaignResultsShared, CertificationResultsPublished, CompetenceResultsChanged, Registry
from lti_tool.grades import certification, hooks


def on_competence_results_changed(session: Session, event: CompetenceResultsChanged) -> None:
    hooks.results_changed(session, account_id=event.account_id, scorecards=event.scorecards, at=event.at,
                          activity_id=event.activity_id)


def on_campaign_results_shared(session: Session, event: CampaignResultsShared) -> None:
    hooks.campaign_results_shared(session, account_id=event.account_id, campaign_code=event.campaign_code,
                                  mastery_percent=event.mastery_percent, stage=event.stage, at=event.at,
                                  activity_id=event.activity_id)


def on_certification_results_published(session: Session, event: CertificationResultsPublished) -> None:
    certification.certification_results_published(session, event)


def install(registry: Registry | None = None) -> None:
    target = registry or events.REGISTRY
    target.subscribe(CompetenceResultsChanged, on_competence_results_changed)
    target.subscribe(CampaignResultsShared, on_campaign_results_shared)
    target.subscribe(CertificationResultsPublished, on_certification_results_published)
