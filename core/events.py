"""Domain events: what a context tells the doors without knowing them.

A context publishes an event INSIDE the transaction of the change it describes: `publish(session, event)` calls
every subscriber synchronously, with that same session, so what a subscriber writes (e.g. a gradebook outbox
row) is committed or rolled back together with the result. With no subscriber, publishing does nothing.

Subscriptions are installed explicitly by whoever runs use cases (the app factory, the CLI, the worker, the
tests), e.g. `lti_tool.grades.subscribers.install()`; importing a module never subscribes anything. Subscribing
the same handler twice keeps one subscription, so installing is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from engine.scoring import Scorecard


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


@dataclass(frozen=True)
class CompetenceResultsChanged(Event):
    """A competence test finished or improved a learner's profile. `scorecards` is the learner's up-to-date
    profile, or a function computing it (only called if a subscriber needs it: building it costs a query).
    `activity_id`: only this activity's gradebook (None: every activity of the learner)."""

    account_id: int
    scorecards: Sequence[Scorecard] | Callable[[], Sequence[Scorecard]]
    at: datetime
    activity_id: int | None = None

    def current_scorecards(self) -> Sequence[Scorecard]:
        return self.scorecards() if callable(self.scorecards) else self.scorecards


@dataclass(frozen=True)
class CampaignResultsShared(Event):
    """A learner sent their assessment campaign results to the organisation (engine.md §7): the mastery rate
    (0-100) and the stage reached as (index, count), if the campaign has stages."""

    account_id: int
    campaign_code: str
    mastery_percent: int
    stage: tuple[int, int] | None
    at: datetime
    activity_id: int | None = None


E = TypeVar("E", bound=Event)
Handler = Callable[[Session, Any], object]


@dataclass
class Registry:
    """Subscribers per event type, called in subscription order."""

    _handlers: dict[type[Event], list[Handler]] = field(default_factory=dict)

    def subscribe(self, event_type: type[E], handler: Callable[[Session, E], object]) -> None:
        handlers = self._handlers.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)

    def unsubscribe(self, event_type: type[E], handler: Callable[[Session, E], object]) -> None:
        handlers = self._handlers.get(event_type, [])
        if handler in handlers:
            handlers.remove(handler)

    def subscribers(self, event_type: type[Event]) -> list[Handler]:
        return list(self._handlers.get(event_type, []))

    def clear(self) -> None:
        self._handlers.clear()

    def publish(self, session: Session, event: Event) -> None:
        """Call each subscriber of the event's type with the caller's session. A subscriber's exception is
        the caller's: the transaction fails as a whole, so no result is stored without its side effects."""
        for handler in self.subscribers(type(event)):
            handler(session, event)


REGISTRY = Registry()


def subscribe(event_type: type[E], handler: Callable[[Session, E], object]) -> None:
    REGISTRY.subscribe(event_type, handler)


def publish(session: Session, event: Event) -> None:
    REGISTRY.publish(session, event)
