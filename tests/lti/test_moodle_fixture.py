"""The exact claim set a real Moodle 4.3 sent, replayed (re-signed, fresh times/nonce) through the tool."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.lti.conftest import Tool
from tests.lti.platform import Platform

FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "moodle-4.3-resource-link-launch.json"


@pytest.fixture
def platform() -> Platform:
    moodle = json.loads(FIXTURE.read_text(encoding="utf-8"))["claims"]
    return Platform(issuer=moodle["iss"], client_id=moodle["aud"],
                    deployment_id=moodle["https://purl.imsglobal.org/spec/lti/claim/deployment_id"])


@pytest.mark.skipif(not FIXTURE.exists(), reason="shared fixture not present")
def test_moodle_43_student_launch(any_tool: Tool) -> None:
    moodle = json.loads(FIXTURE.read_text(encoding="utf-8"))["claims"]
    query = any_tool.login(lti_message_hint='{"cmid":1,"launchid":"ltilaunch1_104791240"}', login_hint="3")
    claims = dict(moodle)
    now = int(time.time())
    claims.update(nonce=query["nonce"], iat=now, exp=now + 60)
    response = any_tool.post_launch(any_tool.platform.sign(claims), query["state"])
    assert response.status_code == 303, response.text
    page = any_tool.client.get(response.headers["location"])
    assert page.status_code == 200
    assert "Student1 Lab" in page.text and "LTI Lab Course" in page.text and "Lab LTI activity" in page.text
    # the fixture's launch_presentation.locale is "en": the student gets the English pages
    assert '<html lang="en">' in page.text
    assert "No target given" in page.text  # Moodle's custom params here carry no competence/profile/campaign
