"""Fixtures for every test: the LTI gradebook subscribes to the contexts' events, as the app factory, the CLI and
the worker install it in production (`lti_tool.grades.subscribers.install`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from certificates import subscribers as certificate_subscribers
from lti_tool.grades import subscribers


@pytest.fixture(autouse=True)
def grade_subscribers() -> Iterator[None]:
    subscribers.install()
    certificate_subscribers.install()
    yield
