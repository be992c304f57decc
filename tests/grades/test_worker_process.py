"""A real `pix-lti worker` process killed with SIGKILL in the middle of delivering to a real AGS endpoint
(bench/ags_endpoint.py under uvicorn): no score is lost, none is doubled, the gradebook ends right. Stopped with
SIGTERM while the platform is slow: it exits 0 within its grace delay, its claimed items back to pending."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
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


def _setup(tmp_path: Path, score_delay: float):  # type: ignore[no-untyped-def]
    """A tool database with 5 scores to deliver to a real AGS endpoint answering after `score_delay` seconds."""
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
                               "--score-delay", str(score_delay)], cwd=ROOT)
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
    except BaseException:
        _stop(server)
        engine.dispose()
        raise
    return db, engine, sessions, server, issuer, expected


def test_a_worker_killed_mid_delivery_loses_and_doubles_no_score(tmp_path: Path) -> None:
    db, engine, sessions, server, issuer, expected = _setup(tmp_path, score_delay=3)
    worker = None
    try:
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
        _stop(server)
        engine.dispose()


def test_sigterm_stops_the_worker_within_its_grace_and_releases_what_it_was_delivering(tmp_path: Path) -> None:
    """The platform takes 30 s per score (within the 30 s request timeout): SIGTERM must not wait for it. The
    worker exits 0 after its grace (0.5 s here; 2 s allowed from the signal to the exit on a shared machine),
    every claimed item back to pending, due now (none left "delivering" until its 120 s lease ends); a later run
    delivers each score."""
    db, engine, sessions, server, issuer, expected = _setup(tmp_path, score_delay=30)
    worker = None
    try:
        env = {**os.environ, "PIX_LTI_DATABASE_URL": db, "PIX_LTI_GRADES_REQUEST_TIMEOUT_SECONDS": "30",
               "PIX_LTI_GRADES_STOP_GRACE_SECONDS": "0.5"}
        env.pop("PIX_LTI_REDIS_URL", None)
        worker = subprocess.Popen([sys.executable, "-m", "pix_lti.cli", "worker"], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert _wait(lambda: _stats(issuer)["score_posts"] >= 5, 60), "the worker never started delivering"
        assert _statuses(sessions) == {"delivering"}
        sent = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(15)
        stopped_in = time.monotonic() - sent
        output = worker.stdout.read().decode(errors="replace") if worker.stdout else ""
        print(f"SIGTERM to exit: {stopped_in:.2f} s")
        assert code == 0, output
        assert stopped_in < 2.0, f"stopped in {stopped_in:.2f} s\n{output}"
        with sessions() as session:
            rows = session.scalars(select(OutboxItem)).all()
            assert {r.status for r in rows} == {"pending"}
            assert all(r.lease_until is None for r in rows)
            assert all(r.next_attempt_at <= datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)
                       for r in rows)
            assert {r.last_error for r in rows} == {"envoi interrompu par l'arrêt du worker"}

        httpx.post(issuer + "/_control", json={"score_delay": 0}, timeout=5)
        subprocess.run([sys.executable, "-m", "pix_lti.cli", "worker", "--once"], env=env, cwd=ROOT, check=True,
                       timeout=120)
        assert _statuses(sessions) == {"delivered"}
        book = httpx.get(issuer + "/_gradebook", timeout=5).json()["grades"]
        assert {g["userId"]: g["scoreGiven"] for g in book} == expected
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        _stop(server)
        engine.dispose()


def _stop(server: subprocess.Popen[bytes]) -> None:
    """The AGS endpoint; uvicorn waits for the requests it is still answering (a slow score): then SIGKILL."""
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


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
