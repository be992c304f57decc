"""The tool and its test platform (tests.grades.conftest's world), shared by the security tests."""

from tests.grades.conftest import any_world, world  # noqa: F401  (fixtures reused)
from tests.lti.conftest import postgres_redis  # noqa: F401  (a fixture of any_world)
