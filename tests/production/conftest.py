"""The scale-out test (marked `production`) takes about 3 to 4 minutes on the 2-core CI machine: it runs when
selected (`-m production`), and is skipped in the ordinary run. The other tests here (nginx, systemd,
container, guide) are quick and always run."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "production" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="scale-out test: run it with `-m production` (about 3 to 4 minutes)")
    for item in items:
        if item.get_closest_marker("production") is not None:
            item.add_marker(skip)
