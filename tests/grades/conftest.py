"""Fixtures: the tool (SQLite + in-process store, or PostgreSQL + Redis), the independent AGS/NRPS
platform it is registered with, and a grades worker talking to that platform, driven on one event loop
with a clock the test moves forward."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from core.accounts import Account
from core.settings import Settings
from core.store import make_store
from engine.scoring import Scorecard, ScorecardStatus
from lti_tool.grades.hooks import results_changed
from lti_tool.grades.models import OutboxItem
from lti_tool.grades.settings import GradesSettings
from lti_tool.grades.worker import Worker
from lti_tool.models import Registration
from tests.grades.ags_platform import AgsPlatform
from tests.lti.conftest import Tool, _tool, postgres_redis, settings_for, sqlite_settings  # noqa: F401  (postgres_redis: a fixture re-exported)

CODES = [f"{d}.{c}" for d, n in ((1, 3), (2, 4), (3, 4), (4, 3), (5, 2)) for c in range(1, n + 1)]


def scorecards(pix: dict[str, int] | None = None, *, started: tuple[str, ...] = ()) -> list[Scorecard]:
    """The 16 scorecards of a learner whose finished competences have these pix (level = pix // 8)."""
    pix = pix or {}
    cards = []
    for code in CODES:
        if code in pix:
            status, value = ScorecardStatus.COMPLETED, pix[code]
        else:
            status, value = (ScorecardStatus.STARTED if code in started else ScorecardStatus.NOT_STARTED), 0
        cards.append(Scorecard(code, f"Compétence {code}", code[0], value, float(value), min(value // 8, 6),
                               value % 8, status, 0, 0, 6))
    return cards


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now

    def catch_up(self) -> None:
        """Never behind the wall clock that stamped the rows just written."""
        self.now = max(self.now, datetime.now(UTC) + timedelta(seconds=1))

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class World:
    tool: Tool
    platform: AgsPlatform
    settings: Settings
    grades: GradesSettings
    loop: asyncio.AbstractEventLoop
    clock: Clock = field(default_factory=Clock)
    _worker: Worker | None = None
    _store: Any = None

    def sessions(self):  # type: ignore[no-untyped-def]
        return self.tool.sessions()

    def worker(self) -> Worker:
        if self._worker is None:
            async def make() -> Worker:
                http = httpx.AsyncClient(transport=httpx.MockTransport(self.platform.handle_async))
                if self._store is None:
                    self._store = make_store(self.settings.redis_url)
                return Worker(self.sessions(), self._store, http, self.grades,
                              rng=random.Random(7), clock=self.clock)

            self._worker = self.loop.run_until_complete(make())
        return self._worker

    def new_worker(self) -> Worker:
        """Another worker process (same database and store, its own HTTP client and token locks)."""
        self._worker = None
        return self.worker()

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def drain(self) -> int:
        return self.run(self.worker().drain())

    def launch(self, sub: str = "eleve-1", *, roles: list[str] | None = None, **claims: Any) -> int:
        response = self.tool.launch(sub=sub, roles=roles, **claims)
        assert response.status_code == 303, response.text
        return self.outbox_account(sub)

    def outbox_account(self, sub: str) -> int:
        with self.sessions()() as session:
            return session.scalar(select(Account.id).where(Account.issuer == self.platform.issuer,
                                                            Account.sub == sub))

    def finish(self, account_id: int, pix: dict[str, int], at: datetime | None = None) -> None:
        """What the learning use case does when a competence test ends: one transaction, scores enqueued."""
        with self.sessions()() as session, session.begin():
            results_changed(session, account_id=account_id, scorecards=scorecards(pix), at=at or self.clock())
        self.clock.catch_up()

    def outbox(self) -> list[OutboxItem]:
        with self.sessions()() as session:
            return list(session.scalars(
                select(OutboxItem).join(Registration, Registration.id == OutboxItem.registration_id)
                .where(Registration.issuer == self.platform.issuer).order_by(OutboxItem.id)
            ))


def _world(settings: Settings, grades: GradesSettings) -> Iterator[World]:
    jwks: dict[str, Any] = {}
    platform = AgsPlatform(lambda: jwks)
    loop = asyncio.new_event_loop()
    gen = _tool(settings, platform)
    tool = next(gen)
    jwks.update(tool.client.get("/lti/jwks").json())
    world = World(tool, platform, settings, grades, loop)
    try:
        yield world
    finally:
        if world._worker is not None:
            loop.run_until_complete(world._worker._http.aclose())
        loop.close()
        gen.close()


FAST = GradesSettings(backoff_base_seconds=10, backoff_cap_seconds=600, max_attempts=4, request_timeout_seconds=0.5,
                      lease_seconds=60, poll_seconds=0.05)


@pytest.fixture
def world(tmp_path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    yield from _world(sqlite_settings(tmp_path), FAST)


@pytest.fixture(params=["sqlite", "postgres+redis"])
def any_world(request, tmp_path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    yield from _world(settings_for(request, tmp_path), FAST)
