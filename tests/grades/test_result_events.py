"""Results reach the LTI gradebook as events (`core.events`): the learning context publishes a changed competence
result inside its transaction, `lti_tool.grades.subscribers` turns it into an outbox row in that same transaction;
with no subscriber, the use case still works and nothing is enqueued."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from content_bank.loader import default_referential
from core import events
from core.events import CampaignResultsShared, CompetenceResultsChanged, Registry
from learning.use_cases import LearningService
from lti_tool.grades import subscribers
from lti_tool.grades.models import KIND_SCORE, OutboxItem
from tests.grades.conftest import World, scorecards
from tests.learning_use_cases.test_use_cases import _finish

REF = default_referential()


@pytest.fixture
def no_subscriber() -> Iterator[None]:
    saved = {kind: events.REGISTRY.subscribers(kind) for kind in (CompetenceResultsChanged, CampaignResultsShared)}
    events.REGISTRY.clear()
    yield
    for kind, handlers in saved.items():
        for handler in handlers:
            events.REGISTRY.subscribe(kind, handler)


def _scores(world: World) -> int:
    with world.sessions()() as session:
        return session.scalar(select(func.count()).select_from(OutboxItem).where(OutboxItem.kind == KIND_SCORE))


def test_a_finished_competence_test_reaches_the_outbox_through_the_event(world: World) -> None:
    lineitem = world.platform.add_line_item("1.1", 6)
    world.platform.enrol("eleve-1")
    account_id = world.launch("eleve-1", lineitem=lineitem)
    learning = LearningService(world.sessions(), REF, clock=world.clock)
    published: list[CompetenceResultsChanged] = []

    def listen(session: object, event: CompetenceResultsChanged) -> None:
        published.append(event)

    events.subscribe(CompetenceResultsChanged, listen)
    try:
        step = learning.start(account_id, "1.1")
        _finish(learning, account_id, step.assessment.id)
    finally:
        events.REGISTRY.unsubscribe(CompetenceResultsChanged, listen)
    assert [e.account_id for e in published] == [account_id]
    assert _scores(world) == 1
    world.drain()
    assert world.platform.grade(lineitem, "eleve-1").score_given > 0


def test_with_no_subscriber_a_finished_test_is_stored_and_nothing_is_enqueued(world: World, no_subscriber) -> None:
    lineitem = world.platform.add_line_item("1.1", 6)
    account_id = world.launch("eleve-1", lineitem=lineitem)
    learning = LearningService(world.sessions(), REF, clock=world.clock)
    step = learning.start(account_id, "1.1")
    _finish(learning, account_id, step.assessment.id)
    assert learning.profile(account_id).scorecard("1.1").pix > 0
    assert _scores(world) == 0


def test_the_outbox_row_is_written_in_the_publishers_transaction(world: World) -> None:
    """A rolled-back result leaves no score behind: the subscriber runs in the same session and transaction."""
    account_id = world.launch("eleve-1", lineitem=world.platform.add_line_item("1.1", 6))
    with world.sessions()() as session:
        events.publish(session, CompetenceResultsChanged(account_id, scorecards({"1.1": 20}), datetime.now(UTC)))
        assert session.scalar(select(func.count()).select_from(OutboxItem)) == 1
        session.rollback()
    assert _scores(world) == 0
    with world.sessions()() as session, session.begin():
        events.publish(session, CompetenceResultsChanged(account_id, scorecards({"1.1": 20}), datetime.now(UTC)))
    assert _scores(world) == 1


def test_installing_twice_subscribes_once_and_a_registry_calls_only_its_own_subscribers() -> None:
    registry = Registry()
    subscribers.install(registry)
    subscribers.install(registry)
    assert registry.subscribers(CompetenceResultsChanged) == [subscribers.on_competence_results_changed]
    assert registry.subscribers(CampaignResultsShared) == [subscribers.on_campaign_results_shared]
    seen: list[object] = []
    other = Registry()
    other.subscribe(CampaignResultsShared, lambda session, event: seen.append(event))
    registry.clear()
    event = CampaignResultsShared(1, "ABC", 50, None, datetime.now(UTC))
    registry.publish(None, event)  # type: ignore[arg-type]  (no subscriber: the session is not even touched)
    other.publish(None, event)  # type: ignore[arg-type]
    assert seen == [event]
