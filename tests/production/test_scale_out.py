"""Scale-out and failover (issue 23), on loopback: two `pix-lti serve` instances and one `pix-lti worker` behind
Debian's nginx running deploy/nginx/pix-lti.conf (round robin), one PostgreSQL, one Redis, an LTI platform
(RS256 launches) and its AGS endpoint (bench/ags_endpoint.py, a separate process that counts score POSTs).

300 pupils launch through nginx and take a competence test concurrently; when a third of the expected answers
are in, one instance is SIGKILLed (its whole process group) and restarted. Then: every pupil finished; every
answer the tool acknowledged (303) is in the database; each pupil's grade reached the AGS endpoint exactly once;
nginx's log shows the failover (requests moved to the other instance while one was down, both serving again
after the restart).

    PIX_LTI_TEST_DATABASE_URL=... PIX_LTI_TEST_REDIS_URL=... python -m pytest -m production tests/production -s

PIX_LTI_SCALE_OUT_PUPILS changes the number of pupils (300)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from core.accounts import Account
from core.db import make_engine, make_session_factory
from learning.models import AnswerRow
from lti_tool.grades.models import OutboxItem
from tests.lti.conftest import _flush_redis, _reset_postgres, _service_url
from tests.production.harness import (
    CLI,
    ROOT,
    Nginx,
    Tool,
    free_ports,
    nginx_binary,
    render_site,
    running,
    self_signed,
    tool_env,
)
from tests.production.pupils import BenchPlatform, Pupil, tls_context

PUPILS = int(os.environ.get("PIX_LTI_SCALE_OUT_PUPILS", "300"))
SCRAPED: dict[str, dict[str, float | str | None] | None] = {}


def _serves(url: str, pid: int) -> bool:
    """The AGS endpoint at `url` is up and is process `pid` (its /_stats says its pid)."""
    try:
        response = httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and response.json().get("pid") == pid


def _metrics(port: int) -> dict[str, float | str | None] | None:
    """An instance's own /metrics (requests counted, its name), or None when this version has no /metrics
    (it arrives with the observability work of issue 23 part A)."""
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    except httpx.HTTPError:
        return None
    if response.status_code != 200 or "pix_lti_http_requests_total" not in response.text:
        return None
    counted = sum(float(line.rsplit(" ", 1)[1]) for line in response.text.splitlines()
                  if line.startswith("pix_lti_http_requests_total{"))
    name = re.search(r'pix_lti_instance_info\{[^}]*instance="([^"]+)"', response.text)
    return {"requests": counted, "instance": name.group(1) if name else None}


def _wait(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


async def _run(pupils: list[Pupil], platform: BenchPlatform, lineitem: str, victim: Tool, log_dir: Path,
               kill_after: int, survivor: Tool) -> dict[str, float]:
    """Launches, tests, and the SIGKILL + restart of `victim` once `kill_after` answers are acknowledged."""
    moments: dict[str, float] = {}
    scraped = SCRAPED
    gate = asyncio.Semaphore(40)  # launches 40 at a time, as a class logging in

    async def pupil_day(pupil: Pupil) -> None:
        async with gate:
            await pupil.launch(platform, lineitem)
        await pupil.take_test(think=(0.05, 0.4))

    async def killer() -> None:
        while sum(len(p.acknowledged) for p in pupils) < kill_after:
            await asyncio.sleep(0.05)
        scraped["survivor_before"] = await asyncio.to_thread(_metrics, survivor.port)
        moments["killed"] = time.time()
        victim.kill()
        await asyncio.sleep(3)  # the host is down a while; nginx takes it out after max_fails
        victim.start(log_dir)
        await asyncio.to_thread(victim.wait_ready, 90)
        moments["restarted"] = time.time()

    clients = []
    for pupil in pupils:
        pupil.client = httpx.AsyncClient(base_url=pupil.base, verify=pupil.tls, timeout=60,
                                         limits=httpx.Limits(max_connections=2))
        clients.append(pupil.client)
    try:
        moments["began"] = time.time()
        kill = asyncio.create_task(killer())
        await asyncio.gather(*(pupil_day(p) for p in pupils))
        moments["finished"] = time.time()
        await asyncio.wait_for(kill, 120)
    finally:
        for client in clients:
            await client.aclose()
    return moments


@pytest.mark.production
def test_300_pupils_through_nginx_survive_the_loss_of_an_instance(tmp_path: Path) -> None:
    nginx_binary()
    database_url, redis_url = _service_url("PIX_LTI_TEST_DATABASE_URL"), _service_url("PIX_LTI_TEST_REDIS_URL")
    _reset_postgres(database_url)
    _flush_redis(redis_url)
    port_a, port_b, http_port, https_port, platform_port, ags_port = free_ports(6)
    cert, key = self_signed(tmp_path)
    nginx = Nginx(tmp_path, http_port, https_port)
    env = tool_env(database_url, redis_url, nginx.url, PIX_LTI_GRADES_POLL_SECONDS="0.5")
    platform = BenchPlatform(platform_port)
    jwks = platform.serve_jwks(platform_port)
    ags = f"http://127.0.0.1:{ags_port}"
    subprocess.run([*CLI, "registration", "add", "--issuer", platform.issuer, "--client-id", platform.client_id,
                    "--auth-login-url", platform.issuer + "/auth", "--auth-token-url", ags + "/token",
                    "--keyset-url", platform.issuer + "/jwks", "--deployment-id", platform.deployment_id],
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    tools = [Tool(port_a, {**env, "PIX_LTI_INSTANCE_NAME": "scale-a"}),
             Tool(port_b, {**env, "PIX_LTI_INSTANCE_NAME": "scale-b"})]
    endpoint = worker = None
    try:
        with running(tools, tmp_path):
            (tmp_path / "tool-jwks.json").write_text(httpx.get(f"http://127.0.0.1:{port_a}/lti/jwks").text)
            endpoint = subprocess.Popen([sys.executable, str(ROOT / "bench" / "ags_endpoint.py"), "--port",
                                         str(ags_port), "--jwks", str(tmp_path / "tool-jwks.json"), "--client-id",
                                         platform.client_id], cwd=ROOT)
            with (tmp_path / "worker.log").open("wb") as log:
                worker = subprocess.Popen([*CLI, "worker"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            # the endpoint answering must be ours: another run of this test on the machine may hold the port
            assert _wait(lambda: _serves(ags + "/_stats", endpoint.pid), 30), \
                f"AGS endpoint did not start (port {ags_port} held by another process?)"
            nginx.start(render_site([port_a, port_b], http_port, https_port, cert, key), access_log=True)

            tls, rng = tls_context(str(cert)), random.Random(23)
            pupils = [Pupil(f"eleve-{n:03d}", nginx.url, tls, random.Random(rng.random())) for n in range(PUPILS)]
            moments = asyncio.run(_run(pupils, platform, ags + "/ags/lineitems/1/lineitem", tools[1], tmp_path,
                                       kill_after=PUPILS * 3, survivor=tools[0]))

            # a few more requests, so that the restarted instance (out of nginx's rotation up to fail_timeout
            # after its last failure) is seen serving again even if the pupils finished just after its restart
            with httpx.Client(verify=tls, timeout=10) as probe:
                deadline = time.time() + 20
                while time.time() < deadline and f"127.0.0.1:{port_b}" not in {
                        r[3][-1] for r in nginx.access_log() if r[0] > moments["restarted"] + 1 and r[3]}:
                    probe.get(nginx.url + "/healthz")
                    time.sleep(0.2)

            # every pupil finished its test
            assert all(p.finished for p in pupils), [p.sub for p in pupils if not p.finished][:10]
            # every acknowledged answer is in the database (and nothing beyond what the pupils sent)
            engine = make_engine(database_url)
            try:
                with make_session_factory(engine)() as db:
                    stored: dict[str, list[str]] = {}
                    for sub, challenge in db.execute(select(Account.sub, AnswerRow.challenge_id)
                                                     .join(AnswerRow, AnswerRow.account_id == Account.id)):
                        stored.setdefault(sub, []).append(challenge)
                    for p in pupils:
                        assert set(p.acknowledged) <= set(stored.get(p.sub, [])), p.sub
                        assert len(stored[p.sub]) <= len(p.acknowledged) + p.unknown, p.sub

                    # each grade delivered once: the worker empties the outbox, the platform got one POST each
                    def delivered() -> bool:
                        db.expire_all()
                        return not db.scalar(select(func.count()).select_from(OutboxItem)
                                             .where(OutboxItem.status != "delivered"))
                    assert _wait(delivered, 90), (tmp_path / "worker.log").read_text()[-3000:]
                    outbox = db.scalar(select(func.count()).select_from(OutboxItem))
            finally:
                engine.dispose()
            posts = httpx.get(ags + "/_posts", timeout=5).json()["posts"]
            assert sorted(p["userId"] for p in posts) == sorted(p.sub for p in pupils)
            assert {p["count"] for p in posts} == {1}, [p for p in posts if p["count"] != 1][:10]
            stats = httpx.get(ags + "/_stats", timeout=5).json()
            assert stats["accepted"] == PUPILS == outbox and stats["conflicts"] == 0, stats

            # nginx saw the failover: while the victim was down every request went to the other instance, and
            # both instances answered before the kill and after the restart
            victim, survivor = f"127.0.0.1:{port_b}", f"127.0.0.1:{port_a}"
            rows = nginx.access_log()
            answered = lambda a, b: {r[3][-1] for r in rows if a <= r[0] < b and r[4] and r[4][-1] != "502"}  # noqa
            assert answered(moments["began"], moments["killed"]) == {victim, survivor}
            down = answered(moments["killed"] + 0.5, moments["restarted"] - 2)
            assert down == {survivor}, down
            assert victim in answered(moments["restarted"] + 1, float("inf"))
            # each instance's own metrics, when this version has them: the restarted one counts only what it
            # served since its restart, the survivor kept counting through the failover
            survivor_now, victim_now = _metrics(port_a), _metrics(port_b)
            metrics = "no /metrics in this version"
            if survivor_now is not None and victim_now is not None:
                before = SCRAPED["survivor_before"]
                assert before is not None
                assert (survivor_now["instance"], victim_now["instance"]) == ("scale-a", "scale-b")
                assert float(survivor_now["requests"]) > float(before["requests"])  # type: ignore[arg-type]
                assert 0 < float(victim_now["requests"]) < float(survivor_now["requests"])  # type: ignore[arg-type]
                metrics = {"survivor_requests_at_kill": before["requests"],
                           "survivor_requests_at_end": survivor_now["requests"],
                           "restarted_requests_at_end": victim_now["requests"]}
            tried_dead = [r for r in rows if moments["killed"] <= r[0] and len(r[3]) > 1]
            lost = sum(p.lost for p in pupils)
            summary = {
                "pupils": PUPILS, "answers_acknowledged": sum(len(p.acknowledged) for p in pupils),
                "answers_unknown": sum(p.unknown for p in pupils), "requests_lost_then_retried": lost,
                "requests_nginx_moved_to_the_other_instance": len(tried_dead),
                "statuses_502": sum(1 for r in rows if r[2] == 502), "score_posts": stats["score_posts"],
                "seconds": round(moments["finished"] - moments["began"], 1),
                "instance_down_seconds": round(moments["restarted"] - moments["killed"], 1), "metrics": metrics,
            }
            print("scale-out:", json.dumps(summary))
    finally:
        nginx.stop()
        for process in (worker, endpoint):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)
        jwks.shutdown()
