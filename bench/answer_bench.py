"""Answer benchmark (issue 4): simulated learners answering over HTTP after real LTI launches, against
`pix-lti serve --workers 2` on PostgreSQL + Redis.

Each learner is a distinct user: one real login + launch (RS256 id_token), then the student pages as a
browser uses them: POST the answer (303), GET the page it leads to (the next challenge, with the outcome of
the answer above it; after a test's last answer, the end page with that outcome at its top, then the next
competence). Learners answer as engine.simulation's response model does: a true level per competence (0 to
5), right answers as likely as the model says, "Je passe" one time in ten. Reported: answers per second, and
the p50/p99 of "answer to next challenge": the POST plus the GET of the next page, what a learner waits for
after "Je valide".

By default the learners pace themselves to offer `--rate` answers/s in all (200 learners at 500 answers/s:
one answer every 0.4 s each, from a random phase, with no catch-up pause when late), which is the issue's
"500 answers/s at 200 concurrent learners". `--rate 0` removes the pause: every learner answers as soon as
its page arrives, which measures the saturation throughput (and latency is then queueing by construction).

    python3 bench/answer_bench.py [--learners 200] [--rate 500] [--seconds 30]

The load generator (bench/raw_http.py, a lean HTTP/1.1 client) runs on the same 2-core machine; its CPU,
the tool's and PostgreSQL + Redis's are printed per answer.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import statistics
import sys
import time
import uuid
from urllib.parse import parse_qs, urlparse

from launch_bench import (
    ROOT,
    BenchPlatform,
    machine_reference_ms,
    pct,
    running_tool,
    services_cpu_seconds,
    tree_cpu_seconds,
)
from raw_http import RawConnection, RawResponse

sys.path.insert(0, str(ROOT))
from content_bank.loader import default_referential  # noqa: E402
from engine.referential import Challenge, ChallengeType, Referential  # noqa: E402
from engine.simulation import ResponseModel, right_answer, wrong_answer  # noqa: E402

# the secrets stored encrypted (core.secrets) need a key on PostgreSQL: a fixed key for bench databases only
os.environ.setdefault("PIX_LTI_SECRET_KEYS", "YmVuY2gtb25seS1rZXktZm9yLXBpeC1sdGktYmVuY2g=")

SKIP_RATE = 0.1
MODEL = ResponseModel()

COMPETENCES = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3",
               "5.1", "5.2"]
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_CHALLENGE = re.compile(r'name="challenge_id" value="([^"]+)"')
_CHRONO = re.compile(r'<form method="post" action="([^"]+/chrono[^"]*)"')  # a timed challenge's start page
_FORM = re.compile(r'<form method="post" action="([^"]+/reponses[^"]*)"')


def answer_fields(challenge: Challenge, value: object) -> dict[str, str | list[str]]:
    """The form fields a browser sends for this answer value (engine.simulation's right or wrong answer)."""
    if isinstance(value, dict):
        return {f"r_{name}": str(v) for name, v in value.items()}
    if isinstance(value, list):
        return {"answer": [str(v) for v in value]}
    if challenge.type is ChallengeType.QROC:
        return {f"r_{challenge.inputs[0].name}": str(value)}
    return {"answer": str(value)}


class Learner:
    """A simulated learner (engine.simulation's response model): on each competence a true level drawn from
    0 to 5, a right answer with the model's probability for the challenge's skill level, "Je passe" now and
    then. Tests therefore last as long as they do for a class of mixed ability."""

    def __init__(self, conn: RawConnection, rng: random.Random, referential: Referential) -> None:
        self.conn = conn
        self.rng = rng
        self.referential = referential
        self.csrf = ""
        self.competences = rng.sample(COMPETENCES, len(COMPETENCES))
        self.page = ""  # the current challenge page, "" when no test is under way
        self.true_level = 0
        self.completed = 0  # tests this learner finished

    async def get(self, target: str) -> RawResponse:
        response = await self.conn.request("GET", target)
        if response.status != 200:
            raise RuntimeError(f"GET {target}: {response.status} {response.body[:300]!r}")
        return response

    async def post(self, target: str, form: dict[str, str]) -> str:
        response = await self.conn.request("POST", target, form=form)
        if response.status != 303:
            raise RuntimeError(f"POST {target}: {response.status} {response.body[:300]!r}")
        return response.header("location") or ""

    async def launch(self, platform: BenchPlatform, tool: str) -> None:
        sub = uuid.uuid4().hex
        login = await self.conn.request("POST", "/lti/login", form={
            "iss": platform.issuer, "login_hint": sub, "target_link_uri": tool + "/lti/launch",
            "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id})
        self.conn.cookies = login.cookies()
        query = {k: v[0] for k, v in parse_qs(urlparse(login.header("location") or "").query).items()}
        token = platform.id_token(query["nonce"], sub, tool + "/lti/launch")
        launch = await self.conn.request("POST", "/lti/launch", form={"id_token": token, "state": query["state"]})
        if launch.status != 303:
            raise RuntimeError(f"launch {launch.status}: {launch.body[:300]!r}")
        self.conn.cookies.update(launch.cookies())
        page = await self.get(launch.header("location") or "")
        self.csrf = _CSRF.search(page.body.decode()).group(1)  # type: ignore[union-attr]

    async def start_next_test(self) -> bool:
        """Start (or resume) the next competence; False when all 16 are done."""
        while self.competences:
            location = await self.post(f"/competences/{self.competences.pop()}/commencer", {"csrf": self.csrf})
            page = await self.past_chrono((await self.get(location)).body.decode())
            if 'name="challenge_id"' in page:
                self.page, self.true_level = page, self.rng.randint(0, 5)
                return True
        return False

    async def past_chrono(self, page: str) -> str:
        """A timed challenge's start page: ask for the question (its clock starts), as a pupil would."""
        found = _CHRONO.search(page)
        if found is None:
            return page
        return (await self.get(await self.post(html.unescape(found.group(1)), {"csrf": self.csrf}))).body.decode()

    def _answer_form(self, page: str) -> dict[str, str | list[str]]:
        challenge = self.referential.challenges[html.unescape(_CHALLENGE.search(page).group(1))]  # type: ignore
        form: dict[str, str | list[str]] = {"csrf": self.csrf, "challenge_id": challenge.id}
        if self.rng.random() < SKIP_RATE:
            return form | {"action": "skip"}
        level = self.referential.skills[challenge.skill_name].level
        right = self.rng.random() < MODEL.p_correct(self.true_level, challenge, level)
        value = right_answer(challenge) if right else wrong_answer(challenge)
        return form | {"action": "submit"} | answer_fields(challenge, value)

    async def answer_one(self) -> float | None:
        """One answer: the answer-to-next-page latency; None when the learner has done every competence."""
        if not self.page and not await self.start_next_test():
            return None
        action = html.unescape(_FORM.search(self.page).group(1))  # type: ignore[union-attr]
        form = self._answer_form(self.page)
        started = time.perf_counter()
        following = (await self.get(await self.post(action, form))).body.decode()
        latency = time.perf_counter() - started
        following = await self.past_chrono(following)
        if 'name="challenge_id"' in following:
            self.page = following
        else:  # the test's last answer led to the end page (with that answer's outcome at its top)
            if "data-result-level" not in following:
                raise RuntimeError(f"neither a challenge nor the end page: {following[:300]!r}")
            self.page = ""
            self.completed += 1
        return latency


async def run(platform: BenchPlatform, tool: str, learners: int, seconds: float, rate: float,
              server_pid: int) -> tuple[float, list[float], float, float, float, int]:
    rng = random.Random(7)
    referential = default_referential()
    people = [Learner(RawConnection.to(tool), random.Random(rng.random()), referential) for _ in range(learners)]
    for start in range(0, learners, 20):
        await asyncio.gather(*(p.launch(platform, tool) for p in people[start:start + 20]))
    await asyncio.gather(*(p.start_next_test() for p in people))
    latencies: list[float] = []
    period = learners / rate if rate > 0 else 0.0
    began = time.perf_counter()
    deadline = began + seconds

    async def drive(person: Learner) -> None:
        due = began + person.rng.random() * period  # a random phase, then one answer per period
        while True:
            if period:
                await asyncio.sleep(max(0.0, min(due, deadline) - time.perf_counter()))
                due += period
            if time.perf_counter() >= deadline:
                return
            latency = await person.answer_one()
            if latency is None:
                return
            latencies.append(latency)

    cpu = tree_cpu_seconds(server_pid), sum(os.times()[:2]), services_cpu_seconds()
    await asyncio.gather(*(drive(p) for p in people))
    elapsed = time.perf_counter() - began
    for person in people:
        await person.conn.close()
    tests = sum(p.completed for p in people)
    return (elapsed, latencies, tree_cpu_seconds(server_pid) - cpu[0], sum(os.times()[:2]) - cpu[1],
            services_cpu_seconds() - cpu[2], tests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/pixlti_answer_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--port", type=int, default=8030)
    parser.add_argument("--jwks-port", type=int, default=8031)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--rate", type=float, default=500, help="answers/s offered in all; 0 = no pause")
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()

    with running_tool(args.database_url, args.redis_url, args.port, args.jwks_port, args.workers) as (
            platform, tool, server):
        elapsed, latencies, server_cpu, client_cpu, services_cpu, tests = asyncio.run(
            run(platform, tool, args.learners, args.seconds, args.rate, server.pid))
    n = len(latencies)
    offered = f"{args.rate:.0f} answers/s offered" if args.rate > 0 else "no pause (saturation)"
    print(f"learners: {args.learners} concurrent, distinct users after real launches, {offered}; "
          f"{args.workers} workers, PostgreSQL + Redis; {elapsed:.1f} s measured")
    print(f"throughput: {n / elapsed:.0f} answers/s ({n} answers; {tests} tests completed during the measure)")
    print(f"answer to next challenge (POST + GET of the next page): p50 {pct(latencies, 0.5):.1f} ms, "
          f"p99 {pct(latencies, 0.99):.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms")
    services = f"{services_cpu / n * 1000:.2f} ms" if services_cpu > 0 else "n/a (server processes came and went)"
    print(f"CPU per answer (its share of test starts and end pages included): tool workers "
          f"{server_cpu / n * 1000:.2f} ms, PostgreSQL + Redis {services}, "
          f"load generator {client_cpu / n * 1000:.2f} ms")
    print(f"machine load average during the run: {os.getloadavg()[0]:.2f}; reference loop "
          f"{machine_reference_ms():.1f} ms (sum(range(10**6)), best of 5: compares machines)")


if __name__ == "__main__":
    main()
