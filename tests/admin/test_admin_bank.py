"""The admin area shows which content bank is loaded (issue 16)."""

from __future__ import annotations

from content_bank.active import active_bank
from tests.lti.conftest import Tool


def test_the_dashboard_shows_the_loaded_bank_version_counts_and_calibration(logged_in: Tool) -> None:
    page = logged_in.client.get("/admin/")
    info = active_bank().info
    assert page.status_code == 200 and "Banque de contenus" in page.text
    assert info.version in page.text and f'data-bank-fingerprint="{info.fingerprint}"' in page.text
    assert f"{info.challenges_by_status['validated']} validées" in page.text
    assert "valeurs IRT provisoires" in page.text  # the shipped bank is not calibrated yet
