"""Soak benchmark (issue 23): a steady answer rate for a long time through Debian's nginx (deploy/nginx/pix-lti.conf,
TLS) to two `pix-lti serve` instances and one `pix-lti worker`, on PostgreSQL + Redis, to see whether memory
stays flat. Pupils are distinct users after real LTI launches (RS256, with an AGS claim: every finished test
becomes a grade the worker delivers to bench/ags_endpoint.py); each answers at its own pace so that together
they offer `--rate` answers/s, going from competence to competence (a pupil done with all 16 is replaced by
a new one, with a new launch).

    python3 bench/soak_bench.py [--seconds 600] [--rate 50] [--pupils 250]

Printed: RSS of every process (nginx, each instance's uvicorn workers, the grade worker) at the start and the
end, and once a minute in between; throughput; p50/p99 of an answer (POST + GET of the next page, through
nginx); CPU per answer of the tool's processes, of nginx, of PostgreSQL + Redis and of the load generator.
THE DATABASE GIVEN IS EMPTIED (its public schema is dropped): use a bench database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from launch_bench import machine_reference_ms, pct, services_cpu_seconds, tree_cpu_seconds  # noqa: E402
from sqlalchemy import text  # noqa: E402

from core.db import make_engine  # noqa: E402
from tests.production.harness import CLI, Nginx, Tool, free_ports, render_site, running, self_signed  # noqa: E402
from tests.production.pupils import BenchPlatform, Pupil, tls_context  # noqa: E402

COMPETENCES = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3",
               "5.1", "5.2"]


def tree_pids(root: int) -> list[int]:
    pids = [root]
    for task in Path(f"/proc/{root}/task").glob("*/children"):
        pids += [int(p) for p in task.read_text().split()]
    return pids


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Processes:
    def __init__(self, nginx: Nginx, tools: list[Tool], worker: subprocess.Popen[bytes]) -> None:
        assert nginx.process is not None
        self.roots = {"nginx": nginx.process.pid, "worker": worker.pid}
        for n, tool in enumerate(tools):
            assert tool.process is not None
            self.roots[f"instance {'AB'[n]}"] = tool.process.pid

    def rss(self) -> dict[str, list[float]]:
        """RSS (MiB) of each process of each group (an instance: its supervisor, then its workers)."""
        return {name: [round(rss_mib(pid), 1) for pid in tree_pids(root)] for name, root in self.roots.items()}

    def cpu(self) -> dict[str, float]:
        return {name: tree_cpu_seconds(root) for name, root in self.roots.items()}


async def soak(base: str, tls_file: str, platform: BenchPlatform, lineitem: str, pupils: int, rate: float,
               seconds: float, processes: Processes) -> dict:
    tls, rng = tls_context(tls_file), random.Random(23)
    latencies: list[float] = []
    answers = relaunches = 0
    samples: list[tuple[float, dict[str, list[float]]]] = []
    period = pupils / rate
    clients: list[httpx.AsyncClient] = []

    def new_pupil() -> Pupil:
        pupil = Pupil(f"soak-{rng.getrandbits(48):012x}", base, tls, random.Random(rng.random()))
        pupil.client = httpx.AsyncClient(base_url=base, verify=tls, timeout=60, limits=httpx.Limits(max_connections=2))
        clients.append(pupil.client)
        return pupil

    async def ready(pupil: Pupil) -> tuple[Pupil, list[str], str]:
        await pupil.launch(platform, lineitem)
        todo = rng.sample(COMPETENCES, len(COMPETENCES))
        pupil.competence = todo.pop()
        return pupil, todo, await pupil.start_test()

    gate = asyncio.Semaphore(20)

    async def launched() -> tuple[Pupil, list[str], str]:
        async with gate:
            return await ready(new_pupil())

    people = await asyncio.gather(*(launched() for _ in range(pupils)))
    began = time.perf_counter()
    deadline = began + seconds
    cpu = processes.cpu(), services_cpu_seconds(), sum(os.times()[:2])
    samples.append((0.0, processes.rss()))

    async def drive(state: tuple[Pupil, list[str], str]) -> None:
        nonlocal answers, relaunches
        pupil, todo, page = state
        due = began + rng.random() * period
        while True:
            await asyncio.sleep(max(0.0, min(due, deadline) - time.perf_counter()))
            due += period
            if time.perf_counter() >= deadline:
                return
            while 'name="challenge_id"' not in page:  # the end page: next competence, or a new pupil
                if not todo:
                    relaunches += 1
                    pupil, todo, page = await ready(new_pupil())
                    continue
                pupil.competence = todo.pop()
                page = await pupil.start_test()
            before = len(pupil.latencies)
            page = await pupil.answer_one(page)
            answers += 1
            latencies.extend(pupil.latencies[before:])

    async def sampler() -> None:
        minute = 1
        while time.perf_counter() < deadline - 1:
            await asyncio.sleep(min(60 * minute, seconds) - (time.perf_counter() - began))
            if time.perf_counter() < deadline - 1:
                samples.append((time.perf_counter() - began, processes.rss()))
                print(f"  {time.perf_counter() - began:5.0f} s: {answers} answers, RSS MiB {samples[-1][1]}",
                      flush=True)
            minute += 1

    watch = asyncio.create_task(sampler())
    await asyncio.gather(*(drive(state) for state in people))
    elapsed = time.perf_counter() - began
    cpu_end = processes.cpu(), services_cpu_seconds(), sum(os.times()[:2])
    samples.append((elapsed, processes.rss()))
    watch.cancel()
    for client in clients:
        await client.aclose()
    return {"elapsed": elapsed, "answers": answers, "latencies": latencies, "relaunches": relaunches,
            "samples": samples, "cpu": {k: cpu_end[0][k] - cpu[0][k] for k in cpu[0]},
            "services_cpu": cpu_end[1] - cpu[1], "client_cpu": cpu_end[2] - cpu[2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/pixlti_soak")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--ports", default="8270-8299", help="a range of free loopback ports")
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--rate", type=float, default=50, help="answers/s offered in all")
    parser.add_argument("--pupils", type=int, default=250)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per instance")
    args = parser.parse_args()
    os.environ["PIX_LTI_TEST_PORTS"] = args.ports

    import redis
    from launch_bench import ensure_database

    ensure_database(args.database_url)
    engine = make_engine(args.database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    redis.Redis.from_url(args.redis_url).flushdb()

    port_a, port_b, http_port, https_port, platform_port, ags_port = free_ports(6)
    work = Path(tempfile.mkdtemp(prefix="pix-soak-"))
    cert, key = self_signed(work)
    nginx = Nginx(work, http_port, https_port)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_") or k == "PIX_LTI_SECRET_KEYS"},
           "PIX_LTI_DATABASE_URL": args.database_url, "PIX_LTI_REDIS_URL": args.redis_url,
           "PIX_LTI_BASE_URL": nginx.url, "PIX_LTI_TRUSTED_PROXIES": "127.0.0.1"}
    platform = BenchPlatform(platform_port)
    jwks = platform.serve_jwks(platform_port)
    ags = f"http://127.0.0.1:{ags_port}"
    subprocess.run([*CLI, "registration", "add", "--issuer", platform.issuer, "--client-id", platform.client_id,
                    "--auth-login-url", platform.issuer + "/auth", "--auth-token-url", ags + "/token",
                    "--keyset-url", platform.issuer + "/jwks", "--deployment-id", platform.deployment_id],
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    tools = [Tool(port_a, env, args.workers), Tool(port_b, env, args.workers)]
    endpoint = worker = None
    try:
        with running(tools, work):
            (work / "tool-jwks.json").write_text(httpx.get(f"http://127.0.0.1:{port_a}/lti/jwks").text)
            endpoint = subprocess.Popen([sys.executable, str(ROOT / "bench" / "ags_endpoint.py"), "--port",
                                         str(ags_port), "--jwks", str(work / "tool-jwks.json"), "--client-id",
                                         platform.client_id], cwd=ROOT)
            worker = subprocess.Popen([*CLI, "worker"], env=env, cwd=ROOT)
            nginx.start(render_site([port_a, port_b], http_port, https_port, cert, key))
            result = asyncio.run(soak(nginx.url, str(cert), platform, ags + "/ags/lineitems/1/lineitem",
                                      args.pupils, args.rate, args.seconds, Processes(nginx, tools, worker)))
            stats = httpx.get(ags + "/_stats", timeout=5).json()
    finally:
        nginx.stop()
        for process in (worker, endpoint):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)
        jwks.shutdown()

    n, elapsed, lat = result["answers"], result["elapsed"], result["latencies"]
    print(f"soak: {elapsed:.0f} s, {args.pupils} pupils at a time ({result['relaunches']} replaced after 16 tests), "
          f"{args.rate:.0f} answers/s offered, nginx (TLS) -> 2 instances x {args.workers} worker(s) + grade worker, "
          "PostgreSQL + Redis")
    print(f"throughput: {n / elapsed:.1f} answers/s ({n} answers); grades delivered to the AGS endpoint: "
          f"{stats['accepted']} (409 conflicts {stats['conflicts']})")
    print(f"answer to next challenge (POST + GET through nginx): p50 {pct(lat, 0.5):.1f} ms, "
          f"p99 {pct(lat, 0.99):.1f} ms")
    first, last = result["samples"][0][1], result["samples"][-1][1]
    for name in first:
        print(f"RSS {name}: start {first[name]} MiB, end {last[name]} MiB")
    cpu = result["cpu"]
    tool_cpu = sum(v for k, v in cpu.items() if k.startswith("instance"))
    print(f"CPU per answer: tool instances {tool_cpu / n * 1000:.2f} ms, grade worker {cpu['worker'] / n * 1000:.2f} "
          f"ms, nginx {cpu['nginx'] / n * 1000:.2f} ms, PostgreSQL + Redis {result['services_cpu'] / n * 1000:.2f} ms, "
          f"load generator (httpx, TLS) {result['client_cpu'] / n * 1000:.2f} ms")
    print(f"machine load average at the end: {os.getloadavg()[0]:.2f} (2 cores shared with other engineers' work); "
          f"reference loop {machine_reference_ms():.1f} ms")


if __name__ == "__main__":
    main()
