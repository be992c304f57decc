"""The LTI test fixtures (the tool through real launches, SQLite or PostgreSQL + Redis)."""

from tests.lti.conftest import any_tool, platform, postgres_redis, tool  # noqa: F401
