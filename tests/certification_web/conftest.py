"""The LTI tool fixtures (real launches through an independent platform), reused for the certification pages."""

from tests.lti.conftest import any_tool, platform, postgres_redis, tool  # noqa: F401
