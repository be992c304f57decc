"""A real `pix-lti worker` process killed with SIGKILL in the middle of delivering to a real AGS endpoint
(bench/ags_endpoint.py under uvicorn): no score is lost, none is doubled, the gradebook ends right."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from core.db import make_engine, make_session_factory
from core.settings import Settings
from lti_tool import keys
from lti_tool.grades.hooks import results_changed
from lti_tool.grades.models import OutboxItem
from lti_tool.launch.message import LaunchMessage
from lti_tool.launch.provisioning import provision
from lti_tool.registrations import add_registration
from pix_lti.app import bootstrap
from tests.grades.conftest import scorecards

ROOT = Path(__file__).resolve().parents[2]
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_delivery_loses_and_doubles_no_score(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/tool.sqlite3"
    bootstrap(Settings(database_url=db, redis_url=None))
    engine = make_engine(db)
    sessions = make_session_factory(engine)
    with sessions() as session:
        (tmp_path / "jwks.json").write_text(json.dumps(keys.published_jwks(session, 3600)))
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "ags_endpoint.py"), "--port", str(port),
                               "--jwks", str(tmp_path / "jwks.json"), "--client-id", "pix-client",
                               "--score-delay", "3"], cwd=ROOT)
    worker = None
    try:
        assert _wait(lambda: _up(issuer), 20), "AGS endpoint did not start"
        with sessions() as session:
            reg = add_registration(session, issuer=issuer, client_id="pix-client", auth_login_url=issuer + "/auth",
                                   auth_token_url=issuer + "/token", keyset_url=issuer + "/jwks",
                                   deployment_ids=["dep-1"])
        expected = {}
        for n in range(5):
            msg = LaunchMessage(
                launch_id=f"l{n}", registration_id=reg.id, issuer=issuer, client_id="pix-client", deployment_id="dep-1",
                message_type="LtiResourceLinkRequest", sub=f"eleve-{n}", role="student", name=None, given_name=None,
                family_name=None, context_id="c1", context_label=None, context_title=None, resource_link_id="rl-1",
                resource_link_title="1.1", resource_link_description=None, custom={"competence": "1.1"},
                claims={AGS: {"scope": [SCORE], "lineitem": issuer + "/ags/lineitems/1/lineitem"}})
            account_id = provision(sessions, msg).account_id
            with sessions() as session, session.begin():
                results_changed(session, account_id=account_id, scorecards=scorecards({"1.1": 8 * (n + 1)}),
                                at=datetime.now(UTC))
            expected[f"eleve-{n}"] = float(n + 1)

        env = {**os.environ, "PIX_LTI_DATABASE_URL": db, "PIX_LTI_GRADES_LEASE_SECONDS": "4",
               "PIX_LTI_GRADES_REQUEST_TIMEOUT_SECONDS": "30"}
        env.pop("PIX_LTI_REDIS_URL", None)
        worker = subprocess.Popen([sys.executable, "-m", "pix_lti.cli", "worker"], env=env, cwd=ROOT)
        assert _wait(lambda: _stats(issuer)["score_posts"] >= 5, 60), "the worker never started delivering"
        worker.kill()  # SIGKILL while the platform is still answering
        worker.wait(10)
        assert _statuses(sessions) == {"delivering"}  # claimed under a lease, not recorded

        httpx.post(issuer + "/_control", json={"score_delay": 0}, timeout=5)
        subprocess.run([sys.executable, "-m", "pix_lti.cli", "worker", "--once"], env=env, cwd=ROOT, check=True,
                       timeout=120)
        if _statuses(sessions) != {"delivered"}:  # the restart came before the lease ended: wait, run again
            time.sleep(4.5)
            subprocess.run([sys.executable, "-m", "pix_lti.cli", "worker", "--once"], env=env, cwd=ROOT, check=True,
                           timeout=120)
        assert _statuses(sessions) == {"delivered"}
        book = httpx.get(issuer + "/_gradebook", timeout=5).json()["grades"]
        assert {g["userId"]: g["scoreGiven"] for g in book} == expected
        assert len(book) == 5
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        server.terminate()
        server.wait(10)
        engine.dispose()


def _up(issuer: str) -> bool:
    try:
        return httpx.get(issuer + "/_stats", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _stats(issuer: str) -> dict:
    return httpx.get(issuer + "/_stats", timeout=5).json()


def _statuses(sessions) -> set[str]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return set(session.scalars(select(OutboxItem.status)))
