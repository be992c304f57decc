"""The security tests reuse the LTI fixtures (the tool on SQLite, or on PostgreSQL + Redis)."""

from tests.lti.conftest import any_tool, platform, postgres_redis, tool  # noqa: F401
