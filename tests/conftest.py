"""Fixtures for every test: the LTI gradebook subscribes to the contexts' events, as the app factory, the CLI and
the worker install it in production (`lti_tool.grades.subscribers.install`); and a key for the secrets encrypted
at rest (`core.secrets`), which PostgreSQL requires — a fixed test key, unless the environment gives one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# a Fernet key for tests only (never a deployment's): PostgreSQL refuses to start without PIX_LTI_SECRET_KEYS
TEST_SECRET_KEY = "dGVzdC1vbmx5LWtleS1mb3ItcGl4LWx0aS10ZXN0cyE="
os.environ.setdefault("PIX_LTI_SECRET_KEYS", TEST_SECRET_KEY)

from certificates import subscribers as certificate_subscribers  # noqa: E402
from lti_tool.grades import subscribers  # noqa: E402 - after the key: importing the app reads no key, but be safe


@pytest.fixture(autouse=True)
def grade_subscribers() -> Iterator[None]:
    subscribers.install()
    certificate_subscribers.install()
    yield
