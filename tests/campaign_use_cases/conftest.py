"""The learning use cases' migrated database (SQLite, or PostgreSQL when asked) and clock, with the learning and
campaign services on that one clock."""

from __future__ import annotations

import random

import pytest
from sqlalchemy.orm import Session, sessionmaker

from campaigns.service import CampaignService
from content_bank.loader import default_referential
from learning.use_cases import LearningService
from tests.learning_use_cases.conftest import START, Clock, clock, sessions  # noqa: F401 (fixtures)

__all__ = ["START", "Clock"]


@pytest.fixture
def learning(sessions: sessionmaker[Session], clock: Clock) -> LearningService:  # noqa: F811
    counter = iter(range(1, 10_000))
    return LearningService(sessions, default_referential(), clock=clock,
                           new_seed=lambda: f"seed-{next(counter)}")


@pytest.fixture
def service(sessions: sessionmaker[Session], clock: Clock) -> CampaignService:  # noqa: F811
    return CampaignService(sessions, default_referential(), clock=clock, rng=random.Random(42))
