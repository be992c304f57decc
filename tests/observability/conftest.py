"""Fixtures of the observability tests: the grades world (tool + AGS platform + worker) on PostgreSQL + Redis with
a /metrics bearer token, the GAR flow, and a reader of the Prometheus exposition."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.settings import Settings
from tests.gar.conftest import BASE as GAR_BASE
from tests.gar.conftest import Gar, _fresh_services, _gar, gar_keys, idp  # noqa: F401  (fixtures re-exported)
from tests.grades.conftest import FAST, World, _world
from tests.lti.conftest import BASE, any_tool, platform, postgres_redis, tool  # noqa: F401

TOKEN = "jeton-de-test-des-metriques"


@pytest.fixture
def pg_world(postgres_redis: tuple[str, str]) -> Iterator[World]:  # noqa: F811
    db_url, redis_url = postgres_redis
    settings = Settings(database_url=db_url, redis_url=redis_url, base_url=BASE, registration_cache_seconds=0,
                        metrics_token=TOKEN)
    yield from _world(settings, FAST)


@pytest.fixture
def pg_gar(idp, gar_keys: Path) -> Iterator[Gar]:  # type: ignore[no-untyped-def]  # noqa: F811
    db_url, redis_url = _fresh_services()
    settings = Settings(database_url=db_url, redis_url=redis_url, base_url=GAR_BASE, metrics_token=TOKEN)
    yield from _gar(settings, idp, gar_keys)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """{(sample name, labels): value} of a Prometheus text exposition (parsed by prometheus-client's parser)."""
    found: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)
