"""The tool and its test platforms, shared by the security tests: tests.grades.conftest's world and
the LTI fixtures (the tool on SQLite, or on PostgreSQL + Redis)."""

from tests.grades.conftest import any_world, world  # noqa: F401  (fixtures reused)
from tests.lti.conftest import any_tool, platform, postgres_redis, tool  # noqa: F401
