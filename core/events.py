"""Domain events: what a context tells the doors without knowing them.

A context publishes an event INSIDE the transaction of the change it describes: `publish(session, event)` calls
every subscriber synchronously, with that same session, so what a subscriber writes (e.g. a gradebook outbox
row) is committed or rolled back together with the result. With no subscriber, publishing does nothing.

Subscriptions are installed explicitly by whoever runs use cases (the app factory, the CLI, the worker, the
tests), e.g. `lti_tool.grades.subscribers.install()`; importing a module never subscribes anything. Subscribing
the same handler twice keeps one subscription, so installing is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
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


@dataclass(frozen=True)
class CertifiedCandidate:
    """One candidate's published certification result, as the certificates context needs it (engine.md §9).
    `status`: "validated" | "rejected" | "cancelled" (engine.certification.records.CertificationStatus values);
    `score` is the pix score (None when cancelled); `global_level` a engine.certification.v3.GlobalLevel value
    (None for v2 or cancelled); `competence_levels` maps a competence code ("1.1") to its certified level (0–8).
    `division` is the pupil's class (GAR DIV or the CSV's class column), `comment` the jury's comment shown to the
    school. `certification_course_id` identifies the test (unique)."""

    certification_course_id: int
    account_id: int | None
    first_name: str
    last_name: str
    birth_date: date | None
    division: str | None
    status: str
    score: int | None
    global_level: str | None
    competence_levels: Mapping[str, int]
    comment: str | None = None


@dataclass(frozen=True)
class CertificationResultsPublished(Event):
    """A finalised certification session's results were published (engine.md §9: created → finalised →
    published). Published once per session, inside the transaction that marks it published; the certificates
    context subscribes to it to issue certificates and verification codes."""

    session_id: int
    session_number: int
    centre_id: int
    centre_name: str
    centre_uai: str | None
    session_date: date
    version: str  # "v2" | "v3"
    candidates: Sequence[CertifiedCandidate]
    at: datetime


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
