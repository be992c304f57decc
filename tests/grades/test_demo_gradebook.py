"""`pix-lti demo`: the demo platform offers AGS and NRPS, and a finished test shows in its gradebook."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.accounts import Account
from core.courses import Course
from core.rosters import roster_for_course
from core.settings import Settings
from core.store.memory import MemoryStore
from demo_platform.app import create_demo_app
from lti_tool.grades.hooks import results_changed
from lti_tool.grades.settings import GradesSettings
from lti_tool.grades.worker import Worker
from pix_lti.app import bootstrap, create_app
from pix_lti.demo_runner import register_demo
from tests.grades.conftest import scorecards
from tests.lti.test_demo_platform import ISSUER, TOOL, _launch


@pytest.fixture
def demo(tmp_path) -> Iterator[tuple[TestClient, TestClient]]:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=f"sqlite:///{tmp_path}/demo.sqlite3", base_url=TOOL)
    bootstrap(settings)
    register_demo(settings, ISSUER)
    platform = create_demo_app(ISSUER, TOOL)
    tool = create_app(settings, http_transport=httpx.ASGITransport(app=platform))
    platform.state.gradebook.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=tool), timeout=5)
    with TestClient(platform, base_url=ISSUER) as demo_client, TestClient(tool, base_url=TOOL) as tool_client:
        yield demo_client, tool_client


def _deliver(demo_client: TestClient, tool_client: TestClient) -> None:
    async def run() -> None:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=demo_client.app))
        worker = Worker(tool_client.app.state.tool.sessions, MemoryStore(), http, GradesSettings())
        await worker.drain()
        await http.aclose()

    asyncio.run(run())


def test_a_finished_test_appears_in_the_demo_gradebook(demo: tuple[TestClient, TestClient]) -> None:
    demo_client, tool_client = demo
    assert _launch(demo_client, tool_client, "user=eleve&activity=c11").status_code == 200
    sessions = tool_client.app.state.tool.sessions
    with sessions() as session, session.begin():
        account_id = session.scalar(select(Account.id).where(Account.sub == "demo-eleve-1"))
        results_changed(session, account_id=account_id, scorecards=scorecards({"1.1": 27}),
                        at=__import__("datetime").datetime.now(__import__("datetime").UTC))
    _deliver(demo_client, tool_client)
    page = demo_client.get("/carnet").text
    assert "Camille Durand" in page and "3 / 6" in page and "Niveau 3 — 27 pix" in page


def test_a_teacher_launch_in_the_demo_fetches_the_roster(demo: tuple[TestClient, TestClient]) -> None:
    demo_client, tool_client = demo
    _launch(demo_client, tool_client, "user=enseignant&activity=c11")
    _deliver(demo_client, tool_client)
    with tool_client.app.state.tool.sessions() as session:
        course_id = session.scalar(select(Course.id))
        names = [m.display_name for m in roster_for_course(session, course_id).members]
    assert sorted(names) == ["Alex Martin", "Camille Durand"]
