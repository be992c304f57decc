"""Fixtures reused from the other areas: the learning and campaign services on a migrated database (SQLite or
PostgreSQL), the grades world (LTI platform with AGS and NRPS, the worker), the GAR médiacentre."""

from __future__ import annotations

from tests.campaign_use_cases.conftest import learning, service  # noqa: F401 (fixtures)
from tests.gar.conftest import any_gar, gar, gar_keys, idp  # noqa: F401 (fixtures)
from tests.grades.conftest import any_world, world  # noqa: F401 (fixtures)
from tests.learning_use_cases.conftest import clock, sessions  # noqa: F401 (fixtures)
from tests.lti.conftest import (  # noqa: E402, F401 (fixtures)
    any_tool,
    platform,
    postgres_redis,  # noqa: F401 (fixtures)
    tool,
)
